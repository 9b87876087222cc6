// The AG-UI client (@ag-ui/client's HttpAgent) against an AG-UI agent deployed on Hearth: runs stream their events
// through InvokeAgentRuntime's SSE body and the client rebuilds the assistant's messages from them.
//
//   HEARTH_ENDPOINT  server URL;  AGUI_ARN  the AG-UI runtime's ARN;  AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
//   BEDROCK_AGENTCORE_DATA_PLANE_ENDPOINT  the same server URL, for the SDK that signs the WebSocket upgrade
//
// Prints one line per step, then `agui-client: N passed, 0 failed`; on a failure prints the error and exits 1.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { HttpAgent } from '@ag-ui/client'
import { RuntimeClient } from 'bedrock-agentcore/runtime'
import WebSocket from 'ws'
import { invocationUrl, requireCredentials, signedFetch } from './signed-fetch.mjs'

const endpoint = process.env.HEARTH_ENDPOINT || 'http://127.0.0.1:8080'
const arn = process.env.AGUI_ARN
if (!arn) {
  console.error('agui-client: set AGUI_ARN (and HEARTH_ENDPOINT)')
  process.exit(2)
}
requireCredentials('agui-client')

let passed = 0
async function step(title, body) {
  const detail = await body()
  passed++
  console.log(`ok ${String(passed).padStart(2)} ${title}${detail ? ': ' + detail : ''}`)
}

/** An HttpAgent on one runtime session: Hearth's session id rides in every request. */
function agentOn(session) {
  return new HttpAgent({
    url: invocationUrl(endpoint, arn).toString(),
    fetch: signedFetch({ 'x-amzn-bedrock-agentcore-runtime-session-id': session }),
  })
}

async function ask(agent, text) {
  const events = []
  agent.messages = [...agent.messages, { id: randomUUID(), role: 'user', content: text }]
  const result = await agent.runAgent({ runId: randomUUID() }, { onEvent: ({ event }) => events.push(event.type) })
  const answer = result.newMessages.find((m) => m.role === 'assistant')
  assert.ok(answer, `no assistant message among ${JSON.stringify(result.newMessages)}`)
  return { answer: answer.content, events }
}

/**
 * One run over the agent's WebSocket: the bedrock-agentcore SDK's RuntimeClient signs the upgrade, and the AG-UI
 * events come back one JSON message each.
 */
async function overWebSocket(session, text) {
  const { url, headers } = await new RuntimeClient({ region: 'us-east-1' })
    .generateWsConnection({ runtimeArn: arn, sessionId: session })
  const socket = new WebSocket(url, { headers })
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  const events = []
  const finished = new Promise((resolve, reject) => {
    socket.on('message', (data) => {
      const event = JSON.parse(data.toString())
      events.push(event)
      if (event.type === 'RUN_FINISHED') resolve()
    })
    socket.once('close', (code) => reject(new Error(`the socket closed (${code}) before RUN_FINISHED`)))
  })
  socket.send(JSON.stringify({ threadId: randomUUID(), runId: randomUUID(), messages: [{ id: randomUUID(), role: 'user', content: text }] }))
  await finished
  socket.close(1000)
  return events
}

try {
  const session = `agui-${randomUUID()}`
  const agent = agentOn(session)
  let first
  await step('a run streams AG-UI events and the client rebuilds the answer', async () => {
    const { answer, events } = await ask(agent, 'hello')
    assert.match(answer, /^echo: hello \(pid \d+, run 1\)$/)
    assert.equal(events[0], 'RUN_STARTED')
    assert.equal(events.at(-1), 'RUN_FINISHED')
    assert.ok(events.filter((e) => e === 'TEXT_MESSAGE_CONTENT').length > 2, `expected several deltas: ${events}`)
    first = answer.match(/pid (\d+)/)[1]
    return `${events.length} events`
  })
  await step('the next run on the same session reaches the same agent', async () => {
    const { answer } = await ask(agent, 'again')
    assert.match(answer, new RegExp(`^echo: again \\(pid ${first}, run 2\\)$`))
  })
  await step('the same session\'s agent streams a run over its WebSocket too', async () => {
    const events = await overWebSocket(session, 'by socket')
    const text = events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').map((e) => e.delta).join('')
    assert.match(text, new RegExp(`^echo: by socket \\(pid ${first}, run 3\\)$`))
    return `${events.length} events`
  })
  await step('another session gets an agent of its own', async () => {
    const { answer } = await ask(agentOn(`agui-${randomUUID()}`), 'other')
    assert.match(answer, /run 1\)$/)
  })
  console.log(`agui-client: ${passed} passed, 0 failed`)
} catch (e) {
  console.error(e)
  console.log(`agui-client: ${passed} passed, 1 failed`)
  process.exit(1)
}
