// The official A2A client (@a2a-js/sdk) and the AWS SDK for JavaScript v3 against an A2A runtime on a running Hearth
// server (agents/a2a-agent.mjs deployed with serverProtocol A2A). The A2A client reaches the runtime as it would
// reach AgentCore: through a fetch that signs every request with SigV4 and names the runtime session.
//
//   HEARTH_ENDPOINT     server URL, for example http://127.0.0.1:8080 (default)
//   HEARTH_RUNTIME_ARN  the A2A runtime's ARN
//   HEARTH_ENDPOINT_NAME  a named endpoint of that runtime (optional): its card and a message through it
//   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY  an access key of the server (its root key, say)
//
// Prints one line per step, then `a2a-client: N passed, 0 failed`; on a failure prints the error and exits 1.
import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { Role } from '@a2a-js/sdk'
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory } from '@a2a-js/sdk/client'
import { BedrockAgentCoreClient, GetAgentCardCommand } from '@aws-sdk/client-bedrock-agentcore'
import { requireCredentials, signedFetch } from './signed-fetch.mjs'

const endpoint = (process.env.HEARTH_ENDPOINT || 'http://127.0.0.1:8080').replace(/\/+$/, '')
const arn = process.env.HEARTH_RUNTIME_ARN
if (!arn) {
  console.error('a2a-client: set HEARTH_RUNTIME_ARN (and HEARTH_ENDPOINT) to the A2A runtime')
  process.exit(2)
}
requireCredentials('a2a-client')
const region = 'us-east-1'
const SESSION_HEADER = 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id'
// The runtime's public invocation URL, the ARN one path segment as the AWS SDKs send it.
const invocationUrl = `${endpoint}/runtimes/${encodeURIComponent(arn)}/invocations/`

/** A session id of exactly 45 characters (the API wants 33 to 256). */
const newSessionId = () => ('a2a-' + randomBytes(24).toString('hex')).slice(0, 45)

const userMessage = (text) => ({
  tenant: '',
  message: {
    messageId: randomUUID(),
    contextId: '',
    taskId: '',
    role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' }],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  },
  configuration: undefined,
  metadata: undefined,
})

/** What the agent put in a text: its process (instance), its count of answered messages, and the session id it got. */
function who(text) {
  const match = /instance=(\S+) pid=\d+ count=(\d+) session=(\S+)/.exec(text)
  assert.ok(match, `the agent's text names its instance, count and session: ${text}`)
  return { instance: match[1], count: Number(match[2]), session: match[3] }
}

const textOf = (parts) => parts.map((part) => (part.content?.$case === 'text' ? part.content.value : '')).join('')

/** A fetch for the A2A client: every request signed and naming the runtime session, so all reach one sandbox. */
const sessionFetch = (sessionId) => signedFetch({ [SESSION_HEADER]: sessionId })

/**
 * An A2A client for one runtime session, found from the runtime's invocation URL as an A2A caller finds any agent.
 * For a named endpoint the card's path carries the qualifier: clients resolve the card path against the URL, which
 * drops the URL's query.
 */
async function clientFor(sessionId, cardPath = '.well-known/agent-card.json') {
  const fetchImpl = sessionFetch(sessionId)
  const factory = new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
    transports: [new JsonRpcTransportFactory({ fetchImpl })],
    cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
  }))
  return factory.createFromUrl(invocationUrl, cardPath)
}

async function send(client, text) {
  const result = await client.sendMessage(userMessage(text))
  assert.ok(Array.isArray(result.parts), `a message comes back, not a task: ${JSON.stringify(result)}`)
  assert.equal(result.role, Role.ROLE_AGENT)
  return { text: textOf(result.parts), ...who(textOf(result.parts)) }
}

let passed = 0

async function step(title, body) {
  const detail = await body()
  passed++
  console.log(`ok ${String(passed).padStart(2)} ${title}${detail ? ': ' + detail : ''}`)
}

async function main() {
  const session = newSessionId()
  let rawCard
  let first

  await step('GET .../invocations/.well-known/agent-card.json, signed, answers the agent card', async () => {
    const response = await sessionFetch(session)(new URL('.well-known/agent-card.json', invocationUrl))
    assert.equal(response.status, 200, `status of the card: ${await response.clone().text()}`)
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
    rawCard = await response.json()
    assert.equal(rawCard.name, 'hearth-a2a-agent')
    return `${rawCard.name}, ${rawCard.supportedInterfaces.length} interface(s)`
  })

  await step("the card's interface URL is the runtime's invocation URL on Hearth", async () => {
    assert.equal(rawCard.supportedInterfaces.length, 1)
    assert.equal(rawCard.supportedInterfaces[0].url, invocationUrl)
    assert.equal(rawCard.supportedInterfaces[0].protocolBinding, 'JSONRPC')
    return rawCard.supportedInterfaces[0].url
  })

  const client = await clientFor(session)

  await step('SendMessage through the A2A client gets the answer', async () => {
    first = await send(client, 'hello there')
    assert.match(first.text, /you said: hello there$/)
    assert.equal(first.count, 1, 'a new session is a new process')
    assert.equal(first.session, session, 'the agent saw the runtime session id')
    return first.text
  })

  await step('a second message on the same session reaches the same process', async () => {
    const second = await send(client, 'again')
    assert.equal(second.instance, first.instance)
    assert.equal(second.count, 2)
    return `instance ${second.instance}, count ${second.count}`
  })

  await step('SendStreamingMessage yields every event, one by one', async () => {
    const events = []
    const arrivals = []
    const started = Date.now()
    for await (const event of client.sendMessageStream(userMessage('stream please'))) {
      events.push(event.payload)
      arrivals.push(Date.now() - started)
    }
    const kinds = events.map((payload) => payload?.$case)
    assert.deepEqual(kinds, ['task', 'statusUpdate', 'artifactUpdate', 'artifactUpdate', 'artifactUpdate', 'statusUpdate'])
    const [task, working, ...rest] = events
    const done = rest.pop()
    assert.equal(working.value.taskId, task.value.id)
    assert.equal(done.value.taskId, task.value.id)
    assert.equal(done.value.status.state, 3 /* TASK_STATE_COMPLETED */)
    const texts = [working.value.status.message, done.value.status.message].map((message) => textOf(message.parts))
    texts.push(...rest.map((event, chunk) => {
      const text = textOf(event.value.artifact.parts)
      assert.ok(text.startsWith(`chunk ${chunk} `), text)
      assert.equal(event.value.lastChunk, chunk === rest.length - 1)
      return text
    }))
    for (const text of texts) {
      const seen = who(text)
      assert.equal(seen.instance, first.instance, 'the stream comes from the session\'s process')
      assert.equal(seen.count, 3)
    }
    // The agent spends 450 ms on its chunks; a proxy that buffered the stream would deliver them together.
    const spread = arrivals[arrivals.length - 1] - arrivals[2]
    assert.ok(spread >= 200, `artifact events arrived over ${spread} ms (${arrivals.join(', ')})`)
    return `${kinds.join(', ')} over ${spread} ms`
  })

  await step('another session id reaches another sandbox', async () => {
    const otherSession = newSessionId()
    const other = await send(await clientFor(otherSession), 'hello')
    assert.notEqual(other.instance, first.instance)
    assert.equal(other.count, 1)
    assert.equal(other.session, otherSession)
    const back = await send(client, 'still there?')
    assert.equal(back.instance, first.instance)
    assert.equal(back.count, 4)
    return `instance ${other.instance}, count ${other.count}; the first session's process is at count ${back.count}`
  })

  const endpointName = process.env.HEARTH_ENDPOINT_NAME
  if (endpointName) {
    await step(`the card of endpoint ${endpointName} names its invocation URL with the qualifier, and the URL works`, async () => {
      const qualifier = `?qualifier=${encodeURIComponent(endpointName)}`
      const onEndpoint = newSessionId()
      const endpointClient = await clientFor(onEndpoint, `.well-known/agent-card.json${qualifier}`)
      const card = await endpointClient.getAgentCard()
      assert.equal(card.supportedInterfaces[0].url, invocationUrl + qualifier)
      const answer = await send(endpointClient, 'hello endpoint')
      assert.equal(answer.count, 1, 'a session on the endpoint is a sandbox of its own')
      assert.equal(answer.session, onEndpoint)
      assert.notEqual(answer.instance, first.instance)
      return card.supportedInterfaces[0].url
    })
  }

  await step('GetAgentCardCommand of the AWS SDK for JavaScript returns the same card', async () => {
    const data = new BedrockAgentCoreClient({ endpoint, region })
    const answer = await data.send(new GetAgentCardCommand({ agentRuntimeArn: arn, runtimeSessionId: session }))
    assert.equal(answer.$metadata.httpStatusCode, 200)
    assert.equal(answer.runtimeSessionId, session)
    assert.deepEqual(answer.agentCard, rawCard)
    return `${answer.agentCard.name} at ${answer.agentCard.supportedInterfaces[0].url}`
  })
}

try {
  await main()
  console.log(`a2a-client: ${passed} passed, 0 failed`)
} catch (error) {
  console.error(`FAILED after ${passed} passed steps:`, error)
  console.log(`a2a-client: ${passed} passed, 1 failed`)
  process.exit(1)
}
