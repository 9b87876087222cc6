// Smoke test of the unmodified AWS SDK for JavaScript v3 AgentCore clients against a running Hearth server.
// The only change from talking to AWS is the `endpoint` override.
//
//   HEARTH_ENDPOINT  server URL, for example http://127.0.0.1:8080 (default)
//   HEARTH_BUCKET    artifact bucket that holds a copy of examples/python-counter ...
//   HEARTH_PREFIX    ... under this prefix
//   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY  an access key of the server (its root key, say): the SDK's default
//                    credential chain signs every request with it, as it would for AWS
//
// Prints one line per step, then `js-sdk-smoke: N passed, 0 failed`; on a failure prints the error and exits 1.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import {
  BedrockAgentCoreClient,
  InvokeAgentRuntimeCommand,
  StopRuntimeSessionCommand,
} from '@aws-sdk/client-bedrock-agentcore'
import {
  BedrockAgentCoreControlClient,
  CreateAgentRuntimeCommand,
  DeleteAgentRuntimeCommand,
  GetAgentRuntimeCommand,
} from '@aws-sdk/client-bedrock-agentcore-control'
import { SignatureV4 } from '@smithy/signature-v4'
import { Sha256 } from './signed-fetch.mjs'

const endpoint = process.env.HEARTH_ENDPOINT || 'http://127.0.0.1:8080'
const bucket = process.env.HEARTH_BUCKET
const prefix = process.env.HEARTH_PREFIX
if (!bucket || !prefix) {
  console.error('js-sdk-smoke: set HEARTH_BUCKET and HEARTH_PREFIX (and HEARTH_ENDPOINT) to the artifact location')
  process.exit(2)
}
if (!process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY) {
  console.error('js-sdk-smoke: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to an access key of the server')
  process.exit(2)
}

const settings = {
  endpoint,
  region: 'us-east-1',
}
const control = new BedrockAgentCoreControlClient(settings)
const data = new BedrockAgentCoreClient(settings)

// The same client with a signer that leaves out x-amz-content-sha256 (applyChecksum: false), as some JS set-ups
// and curl sign: the body's hash is only in the signature, so the server can check it only at the body's end.
const credentials = {
  accessKeyId: process.env.AWS_ACCESS_KEY_ID,
  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
  sessionToken: process.env.AWS_SESSION_TOKEN,
}
const dataHashInSignature = new BedrockAgentCoreClient({
  ...settings,
  signer: new SignatureV4({ credentials, region: settings.region, service: 'bedrock-agentcore', sha256: Sha256, applyChecksum: false }),
})

let passed = 0
let runtime // { id, arn } once created

async function step(title, body) {
  const detail = await body()
  passed++
  console.log(`ok ${String(passed).padStart(2)} ${title}${detail ? ': ' + detail : ''}`)
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const encode = (value) => new TextEncoder().encode(JSON.stringify(value))

/** A session id of exactly 40 characters (the API wants 33 to 256). */
function newSessionId() {
  return ('js-smoke-' + randomBytes(20).toString('hex')).slice(0, 40)
}

/** InvokeAgentRuntime without contentType: the client sends its default, application/octet-stream. */
async function invokeJson(sessionId, payload) {
  const response = await data.send(new InvokeAgentRuntimeCommand({
    agentRuntimeArn: runtime.arn,
    runtimeSessionId: sessionId,
    payload: encode(payload),
  }))
  const text = await response.response.transformToString()
  let body
  try {
    body = JSON.parse(text)
  } catch {
    assert.fail(`the answer is not JSON (Content-Type ${response.contentType}): ${text.slice(0, 200)}`)
  }
  return { response, body }
}

/** The `data:` payloads of a server-sent event stream, read as it arrives. */
async function readEvents(stream) {
  const events = []
  const decoder = new TextDecoder()
  let buffered = ''
  const take = (block) => {
    const lines = block.split(/\r?\n/).filter((line) => line.startsWith('data:'))
    if (lines.length > 0) {
      events.push(lines.map((line) => line.slice(5).replace(/^ /, '')).join('\n'))
    }
  }
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true })
    let end
    while ((end = buffered.search(/\r?\n\r?\n/)) >= 0) {
      take(buffered.slice(0, end))
      buffered = buffered.slice(end).replace(/^\r?\n\r?\n/, '')
    }
  }
  buffered += decoder.decode()
  if (buffered.trim()) {
    take(buffered)
  }
  return events
}

async function main() {
  const name = 'js_smoke_' + randomBytes(4).toString('hex')

  await step('CreateAgentRuntime', async () => {
    const created = await control.send(new CreateAgentRuntimeCommand({
      agentRuntimeName: name,
      agentRuntimeArtifact: {
        codeConfiguration: {
          code: { s3: { bucket, prefix } },
          runtime: 'PYTHON_3_12',
          entryPoint: ['agent.py'],
        },
      },
      roleArn: 'arn:aws:iam::000000000000:role/hearth',
      networkConfiguration: { networkMode: 'PUBLIC' },
    }))
    assert.equal(created.$metadata.httpStatusCode, 202, 'CreateAgentRuntime answers 202')
    assert.ok(created.agentRuntimeId, 'agentRuntimeId is set')
    assert.match(created.agentRuntimeArn ?? '', /^arn:aws:bedrock-agentcore:us-east-1:\d{12}:runtime\//)
    runtime = { id: created.agentRuntimeId, arn: created.agentRuntimeArn }
    return `${name} ${runtime.arn} (${created.status})`
  })

  await step('GetAgentRuntime until READY', async () => {
    const deadline = Date.now() + 30_000
    for (;;) {
      const got = await control.send(new GetAgentRuntimeCommand({ agentRuntimeId: runtime.id }))
      assert.equal(got.agentRuntimeName, name)
      if (got.status === 'READY') {
        return `READY, version ${got.agentRuntimeVersion}`
      }
      assert.ok(!String(got.status).endsWith('FAILED'), `status ${got.status}: ${got.failureReason ?? ''}`)
      assert.ok(Date.now() < deadline, `not READY within 30 s (status ${got.status})`)
      await sleep(200)
    }
  })

  const session = newSessionId()

  await step('InvokeAgentRuntime (default content type), first call counts 1', async () => {
    const { response, body } = await invokeJson(session, { prompt: 'hi' })
    assert.equal(response.$metadata.httpStatusCode, 200)
    assert.match(response.contentType ?? '', /^application\/json/)
    assert.equal(body.count, 1)
    assert.equal(body.sessionId, session, 'the agent saw the session id')
    return `count ${body.count}, Content-Type ${response.contentType}`
  })

  await step('InvokeAgentRuntime, same session counts 2 and returns the session id', async () => {
    const { response, body } = await invokeJson(session, { prompt: 'hi' })
    assert.equal(body.count, 2)
    assert.equal(response.runtimeSessionId, session, 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id in the answer')
    return `count ${body.count}, session ${response.runtimeSessionId}`
  })

  await step('StopRuntimeSession', async () => {
    const stopped = await data.send(new StopRuntimeSessionCommand({
      agentRuntimeArn: runtime.arn,
      runtimeSessionId: session,
    }))
    assert.equal(stopped.$metadata.httpStatusCode, 200)
    return `HTTP ${stopped.$metadata.httpStatusCode}`
  })

  await step('InvokeAgentRuntime after the stop starts fresh at 1', async () => {
    const { body } = await invokeJson(session, { prompt: 'hi' })
    assert.equal(body.count, 1)
    return `count ${body.count}`
  })

  await step('InvokeAgentRuntime streaming (accept text/event-stream) yields 3 events', async () => {
    const response = await data.send(new InvokeAgentRuntimeCommand({
      agentRuntimeArn: runtime.arn,
      runtimeSessionId: session,
      accept: 'text/event-stream',
      payload: encode({ stream: 3, delayMs: 50 }),
    }))
    assert.match(response.contentType ?? '', /^text\/event-stream/)
    const events = (await readEvents(response.response)).map((event) => JSON.parse(event))
    assert.equal(events.length, 3, `3 events, got ${JSON.stringify(events)}`)
    assert.deepEqual(events.map((event) => event.index), [0, 1, 2])
    assert.ok(events.every((event) => event.count === 2), `same session, second call: ${JSON.stringify(events)}`)
    return `${events.length} events, Content-Type ${response.contentType}`
  })

  const pad = 'x'.repeat(3_000_000)
  for (const [title, client, count] of [
    ['InvokeAgentRuntime with a 3 MB payload is echoed whole', data, 3],
    ['InvokeAgentRuntime with a 3 MB payload, its hash only in the signature, is echoed whole', dataHashInSignature, 4],
  ]) {
    await step(title, async () => {
      const response = await client.send(new InvokeAgentRuntimeCommand({
        agentRuntimeArn: runtime.arn,
        runtimeSessionId: session,
        payload: encode({ pad }),
      }))
      assert.equal(response.$metadata.httpStatusCode, 200)
      const body = JSON.parse(await response.response.transformToString())
      assert.equal(body.count, count, 'same session, one more call')
      assert.equal(body.echo?.pad?.length, pad.length, 'the agent received the whole payload')
      return `count ${body.count}, echoed ${body.echo.pad.length} characters`
    })
  }

  await step('DeleteAgentRuntime', async () => {
    const deleted = await control.send(new DeleteAgentRuntimeCommand({ agentRuntimeId: runtime.id }))
    assert.equal(deleted.$metadata.httpStatusCode, 202)
    const deadline = Date.now() + 30_000
    for (;;) {
      try {
        const got = await control.send(new GetAgentRuntimeCommand({ agentRuntimeId: runtime.id }))
        assert.ok(Date.now() < deadline, `still there 30 s after delete (status ${got.status})`)
      } catch (error) {
        if (error?.name === 'ResourceNotFoundException') {
          runtime = undefined
          return `${deleted.status}, then ResourceNotFoundException`
        }
        throw error
      }
      await sleep(200)
    }
  })
}

function describe(error) {
  const status = error?.$metadata?.httpStatusCode
  const code = error?.code ?? error?.cause?.code
  return [
    error?.name ?? 'Error',
    status !== undefined ? `HTTP ${status}` : null,
    code && code !== error?.name ? code : null,
    error?.message ?? String(error),
  ].filter(Boolean).join(' | ')
}

try {
  await main()
  console.log(`js-sdk-smoke: ${passed} passed, 0 failed`)
} catch (error) {
  console.log(`FAILED step ${passed + 1}: ${describe(error)}`)
  if (runtime) {
    try {
      await control.send(new DeleteAgentRuntimeCommand({ agentRuntimeId: runtime.id }))
    } catch {
      // best effort: the step's own error is the one that matters
    }
  }
  console.log(`js-sdk-smoke: ${passed} passed, 1 failed`)
  process.exitCode = 1
} finally {
  control.destroy()
  data.destroy()
  dataHashInSignature.destroy()
}
