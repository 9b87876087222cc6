// The official MCP TypeScript SDK client against MCP servers deployed on a running Hearth server, through the
// invocation URL, every request signed with SigV4; then the AWS SDK for JavaScript v3 against the same URL.
//
//   HEARTH_ENDPOINT      server URL, for example http://127.0.0.1:8080 (default)
//   MCP_STATEFUL_ARN     ARN of a runtime of agents/mcp-stateful.mjs (serverProtocol MCP)
//   MCP_STATELESS_ARN    ARN of a runtime of agents/mcp-stateless.mjs (serverProtocol MCP)
//   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY  an access key of the server
//
// Prints one line per step, then `mcp-client: N passed, 0 failed`; on a failure prints the error and exits 1.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { BedrockAgentCoreClient, InvokeAgentRuntimeCommand, StopRuntimeSessionCommand } from '@aws-sdk/client-bedrock-agentcore'
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js'
import { invocationUrl as invocationUrlOf, requireCredentials, signedFetch as signing } from './signed-fetch.mjs'

const endpoint = new URL(process.env.HEARTH_ENDPOINT || 'http://127.0.0.1:8080')
const arns = { stateful: process.env.MCP_STATEFUL_ARN, stateless: process.env.MCP_STATELESS_ARN }
if (!arns.stateful || !arns.stateless) {
  console.error('mcp-client: set MCP_STATEFUL_ARN and MCP_STATELESS_ARN (and HEARTH_ENDPOINT)')
  process.exit(2)
}
requireCredentials('mcp-client')

/** fetch with every request signed as the AWS SDKs sign theirs: what an MCP client needs to reach Hearth. */
const signedFetch = signing()

/** The invocation URL of a runtime, as an MCP client is given it. */
const invocationUrl = (arn) => invocationUrlOf(endpoint, arn)

let passed = 0
const open = [] // clients to close however the run ends

async function step(title, body) {
  const detail = await body()
  passed++
  console.log(`ok ${String(passed).padStart(2)} ${title}${detail ? ': ' + detail : ''}`)
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function connect(arn, options = {}) {
  const transport = new StreamableHTTPClientTransport(invocationUrl(arn), { fetch: signedFetch, ...options })
  const client = new Client({ name: 'hearth-mcp-test', version: '1.0.0' })
  client.onerror = () => {} // a GET stream cut when its session ends is reported here, and expected
  await client.connect(transport)
  open.push(client)
  return { client, transport }
}

/** The JSON a test tool answered with. */
function answer(result) {
  assert.ok(!result.isError, `the tool failed: ${JSON.stringify(result)}`)
  return JSON.parse(result.content[0].text)
}

const whoami = async (client) => answer(await client.callTool({ name: 'whoami', arguments: {} }))

/** Hearth's own view of a session (GET /hearth/v1/sessions), signed like the rest. */
async function hearthSessions(sessionId) {
  const url = new URL(`/hearth/v1/sessions?sessionId=${encodeURIComponent(sessionId)}`, endpoint)
  const response = await signedFetch(url, { method: 'GET' })
  assert.equal(response.status, 200, `GET ${url}: ${await response.clone().text()}`)
  return (await response.json()).sessions
}

/** Sandboxes of sessions ended on the way, one `ended-sandbox <id> <host:port>` line each for the caller to inspect. */
const endedSandboxes = new Set()

async function awaitEnded(sessionId) {
  const deadline = Date.now() + 10_000
  for (;;) {
    const sessions = await hearthSessions(sessionId)
    assert.ok(sessions.length > 0, `Hearth knows no session ${sessionId}`)
    if (sessions.every((session) => session.state === 'TERMINATED')) {
      sessions.forEach((session) => endedSandboxes.add(`ended-sandbox ${session.sandboxId} ${session.agentAddress ?? '-'}`))
      return sessions
    }
    assert.ok(Date.now() < deadline, `session ${sessionId} still live 10 s after it was ended: ${JSON.stringify(sessions)}`)
    await sleep(100)
  }
}

async function throughTheMcpClient(kind) {
  const arn = arns[kind]
  let first
  let me

  await step(`${kind}: connect, initialize and list the tools`, async () => {
    first = await connect(arn)
    const { tools } = await first.client.listTools()
    assert.deepEqual(tools.map((tool) => tool.name).sort(), ['add', 'countdown', 'notify-later', 'whoami'])
    assert.ok(first.client.getServerVersion()?.name === `hearth-test-${kind}`, JSON.stringify(first.client.getServerVersion()))
    return `${tools.length} tools from ${first.client.getServerVersion().name}`
  })

  await step(`${kind}: whoami three times reaches one process, counting 1, 2, 3`, async () => {
    const answers = [await whoami(first.client), await whoami(first.client), await whoami(first.client)]
    assert.deepEqual(answers.map((a) => a.count), [1, 2, 3], JSON.stringify(answers))
    assert.equal(new Set(answers.map((a) => a.boot)).size, 1, `one process: ${JSON.stringify(answers)}`)
    me = answers[0]
    return `pid ${me.pid}, process ${me.boot.slice(0, 8)}`
  })

  await step(`${kind}: the MCP session id the client holds is Hearth's`, async () => {
    const id = first.transport.sessionId
    assert.ok(typeof id === 'string' && id.length >= 33, `Mcp-Session-Id ${id} (expected: a runtime session id, 33+ characters)`)
    const sessions = await hearthSessions(id)
    assert.equal(sessions.length, 1, `Hearth has the session ${id}: ${JSON.stringify(sessions)}`)
    assert.notEqual(sessions[0].state, 'TERMINATED')
    if (kind === 'stateful') {
      assert.ok(me.mcpSessionId, 'the stateful server saw its own MCP session id')
      assert.notEqual(me.mcpSessionId, id, 'the server keeps its own id, the client gets Hearth\'s')
    } else {
      assert.equal(me.mcpSessionId, null, 'the stateless server saw no MCP session id')
    }
    return `${id} (${sessions[0].state}, sandbox ${sessions[0].sandboxId}); server's own: ${me.mcpSessionId}`
  })

  await step(`${kind}: add`, async () => {
    const { sum } = answer(await first.client.callTool({ name: 'add', arguments: { a: 19, b: 23 } }))
    assert.equal(sum, 42)
    return `19 + 23 = ${sum}`
  })

  await step(`${kind}: progress notifications stream back before the result`, async () => {
    const progress = []
    const started = Date.now()
    const result = await first.client.callTool({ name: 'countdown', arguments: { steps: 4, delayMs: 300 } }, undefined, {
      onprogress: (p) => progress.push({ ...p, at: Date.now() - started }),
    })
    assert.deepEqual(answer(result), { done: 4 })
    assert.deepEqual(progress.map((p) => p.progress), [1, 2, 3, 4], JSON.stringify(progress))
    // The server spends 900 ms between its first and last notification; a buffering proxy would deliver them at once.
    assert.ok(progress[3].at - progress[0].at > 600, `arrivals in ms: ${progress.map((p) => p.at)}`)
    return `arrivals at ${progress.map((p) => p.at).join(', ')} ms`
  })

  if (kind === 'stateful') {
    await step(`${kind}: a message the server sends on its own stream (the client's GET) arrives`, async () => {
      const message = 'hello-' + randomBytes(4).toString('hex')
      const arrived = new Promise((resolve) => first.client.setNotificationHandler(LoggingMessageNotificationSchema,
        (notification) => notification.params.data === message && resolve(notification.params)))
      answer(await first.client.callTool({ name: 'notify-later', arguments: { message, delayMs: 300 } }))
      const timeout = sleep(5_000).then(() => assert.fail('no log message on the GET stream within 5 s'))
      const params = await Promise.race([arrived, timeout])
      return `${params.level}: ${params.data}`
    })
  }

  let second
  // Some clients set Content-Type on every request, DELETE included: Hearth must still see the end of the session.
  await step(`${kind}: a second client gets another session and another process`, async () => {
    second = await connect(arn, { requestInit: { headers: { 'Content-Type': 'application/json' } } })
    const other = await whoami(second.client)
    assert.notEqual(second.transport.sessionId, first.transport.sessionId)
    assert.notEqual(other.boot, me.boot, 'another sandbox')
    assert.equal(other.count, 1)
    assert.equal((await whoami(first.client)).count, 4, 'the first client still reaches its own process')
    return `${second.transport.sessionId}, process ${other.boot.slice(0, 8)}`
  })

  await step(`${kind}: terminateSession ends the MCP session and its sandbox`, async () => {
    const id = first.transport.sessionId
    await first.transport.terminateSession()
    assert.equal(first.transport.sessionId, undefined, 'the client forgot the session')
    const ended = await awaitEnded(id)
    assert.ok(ended.every((s) => /DELETE/.test(s.endDetail ?? '')), `ended by the DELETE: ${JSON.stringify(ended)}`)
    assert.equal((await whoami(second.client)).count, 2, 'the other session lives on')
    return `${id}: ${ended.map((s) => `${s.state} (${s.endReason}${s.endDetail ? ': ' + s.endDetail : ''})`).join(', ')}`
  })

  await step(`${kind}: the second client ends its session too, its DELETE sent with a Content-Type`, async () => {
    const id = second.transport.sessionId
    await second.transport.terminateSession()
    const ended = await awaitEnded(id)
    return `${id}: ${ended.map((s) => s.state).join(', ')}`
  })
  await first.client.close()
  await second.client.close()
}

/**
 * The runtime session behind an MCP session ends (StopRuntimeSession here; an idle timeout alike): the next call
 * reaches a fresh sandbox, where a stateful server knows no such session and says so with 404, which tells an MCP
 * client to initialize again; a stateless server just answers.
 */
async function afterTheSandboxEnds(data) {
  for (const kind of ['stateful', 'stateless']) {
    await step(`${kind}: after StopRuntimeSession on the MCP session's id, the next call reaches a fresh sandbox`, async () => {
      const { client, transport } = await connect(arns[kind])
      const before = await whoami(client)
      await data.send(new StopRuntimeSessionCommand({ agentRuntimeArn: arns[kind], runtimeSessionId: transport.sessionId }))
      await awaitEnded(transport.sessionId)
      if (kind === 'stateless') {
        const after = await whoami(client)
        assert.notEqual(after.boot, before.boot, 'a fresh sandbox')
        assert.equal(after.count, 1)
        await transport.terminateSession()
        return `process ${before.boot.slice(0, 8)}, then ${after.boot.slice(0, 8)}`
      }
      const refused = await whoami(client).then(() => undefined, (error) => error)
      assert.equal(refused?.code, 404, `the server's own "session not found", got: ${refused?.code} ${refused?.message}`)
      await client.close()
      const again = await connect(arns[kind])
      const after = await whoami(again.client)
      assert.notEqual(after.boot, before.boot, 'a fresh sandbox')
      await again.transport.terminateSession()
      return `HTTP ${refused.code}, then a new MCP session on process ${after.boot.slice(0, 8)}`
    })
  }
}

/** A caller that names its runtime session keeps it: the MCP session id is the server's own, both ways. */
async function withANamedRuntimeSession(data) {
  const runtimeSessionId = ('mcp-named-' + randomBytes(20).toString('hex')).slice(0, 40)
  let named
  await step('stateful, runtime session named by the client: the MCP session id is the server\'s own', async () => {
    named = await connect(arns.stateful, { requestInit: { headers: { 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id': runtimeSessionId } } })
    const me = await whoami(named.client)
    assert.equal(me.count, 1, 'a sandbox of its own')
    assert.equal(me.mcpSessionId, named.transport.sessionId, 'client and server hold the same id')
    assert.notEqual(named.transport.sessionId, runtimeSessionId)
    const again = await whoami(named.client)
    assert.deepEqual([again.boot, again.count], [me.boot, 2])
    return `MCP ${named.transport.sessionId}, runtime session ${runtimeSessionId}`
  })

  await step('stateful, runtime session named by the client: DELETE ends the MCP session, not the runtime session', async () => {
    await named.transport.terminateSession()
    const [session] = await hearthSessions(runtimeSessionId)
    assert.notEqual(session?.state, 'TERMINATED', `the caller owns its runtime session: ${JSON.stringify(session)}`)
    await named.client.close()
    const stopped = await data.send(new StopRuntimeSessionCommand({ agentRuntimeArn: arns.stateful, runtimeSessionId }))
    assert.equal(stopped.$metadata.httpStatusCode, 200)
    await awaitEnded(runtimeSessionId)
    return `${session.state} until StopRuntimeSession`
  })
}

/** The `data:` payloads of a server-sent event body. */
const events = (sse) => sse.split(/\r?\n\r?\n/)
  .map((block) => block.split(/\r?\n/).filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n'))
  .filter((data) => data.length > 0)
  .map((data) => JSON.parse(data))

async function throughTheAwsSdk() {
  const data = new BedrockAgentCoreClient({ endpoint: endpoint.toString().replace(/\/$/, ''), region: 'us-east-1' })
  try {
    await afterTheSandboxEnds(data)
    await withANamedRuntimeSession(data)

    const runtimeSessionId = ('mcp-sdk-' + randomBytes(20).toString('hex')).slice(0, 40)
    const call = async (id, method, params) => {
      const response = await data.send(new InvokeAgentRuntimeCommand({
        agentRuntimeArn: arns.stateless,
        runtimeSessionId,
        contentType: 'application/json',
        accept: 'application/json, text/event-stream',
        mcpProtocolVersion: '2025-06-18',
        payload: new TextEncoder().encode(JSON.stringify({ jsonrpc: '2.0', id, method, params })),
      }))
      const text = await response.response.transformToString()
      assert.equal(response.runtimeSessionId, runtimeSessionId)
      const body = /^text\/event-stream/.test(response.contentType ?? '') ? events(text) : [JSON.parse(text)]
      assert.equal(body.length, 1, `one JSON-RPC answer: ${text}`)
      assert.equal(body[0].id, id)
      assert.ok(!body[0].error, `JSON-RPC error: ${text}`)
      return { response, result: body[0].result }
    }

    await step('InvokeAgentRuntimeCommand: tools/list on the stateless server, no initialize', async () => {
      const { response, result } = await call(1, 'tools/list', {})
      assert.deepEqual(result.tools.map((tool) => tool.name).sort(), ['add', 'countdown', 'notify-later', 'whoami'])
      return `${result.tools.length} tools, HTTP ${response.statusCode ?? response.$metadata.httpStatusCode}, ${response.contentType}`
    })

    await step('InvokeAgentRuntimeCommand: tools/call whoami twice on one runtime session reaches one process', async () => {
      const one = JSON.parse((await call(2, 'tools/call', { name: 'whoami', arguments: {} })).result.content[0].text)
      const two = JSON.parse((await call(3, 'tools/call', { name: 'whoami', arguments: {} })).result.content[0].text)
      assert.equal(one.boot, two.boot)
      assert.deepEqual([one.count, two.count], [1, 2])
      return `process ${one.boot.slice(0, 8)}, counts ${one.count}, ${two.count}`
    })
  } finally {
    data.destroy()
  }
}

function describe(error) {
  const status = error?.$metadata?.httpStatusCode ?? error?.code
  return [error?.name ?? 'Error', status !== undefined ? `status ${status}` : null, error?.message ?? String(error)]
    .filter(Boolean).join(' | ')
}

async function refusals() {
  await step('a GET naming no session is refused before any sandbox starts', async () => {
    const response = await signedFetch(invocationUrl(arns.stateful), { method: 'GET', headers: { accept: 'text/event-stream' } })
    const body = await response.json()
    assert.equal(response.status, 400, JSON.stringify(body))
    assert.equal(response.headers.get('x-amzn-errortype'), 'ValidationException')
    assert.match(body.message, /Mcp-Session-Id/)
    return body.message
  })
}

try {
  await refusals()
  await throughTheMcpClient('stateless')
  await throughTheMcpClient('stateful')
  await throughTheAwsSdk()
  endedSandboxes.forEach((line) => console.log(line))
  console.log(`mcp-client: ${passed} passed, 0 failed`)
} catch (error) {
  console.log(`FAILED step ${passed + 1}: ${describe(error)}`)
  console.log(`mcp-client: ${passed} passed, 1 failed`)
  process.exitCode = 1
} finally {
  await Promise.allSettled(open.map((client) => client.close()))
}
