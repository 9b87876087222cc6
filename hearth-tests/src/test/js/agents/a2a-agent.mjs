// An A2A agent built with the official @a2a-js/sdk, as it would run on AgentCore: JSON-RPC at `/` and its card at
// `/.well-known/agent-card.json` on port 9000 (or PORT), bound to 0.0.0.0. The card names the runtime's public
// invocation URL, from AGENTCORE_RUNTIME_URL, so callers that found it through the runtime keep going through it.
//
// Every answer names the process (a random instance id, since in a pid namespace every agent is pid 2, and its pid)
// and how many messages it has answered, so a caller can tell whether two messages reached the same sandbox. A message whose text starts with "stream" is answered as a task, with a
// status event, several artifact chunks and a final status; anything else gets one message back.
import express from 'express'
import { randomUUID } from 'node:crypto'
import { Role, TaskState } from '@a2a-js/sdk'
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server'
import { UserBuilder, agentCardHandler, jsonRpcHandler } from '@a2a-js/sdk/server/express'

const port = Number(process.env.PORT || 9000)
const publicUrl = process.env.AGENTCORE_RUNTIME_URL || `http://127.0.0.1:${port}/`
const STREAM_CHUNKS = 3

const instance = randomUUID().slice(0, 8)
let answered = 0

const card = {
  name: 'hearth-a2a-agent',
  description: 'Answers with its pid and a per-process count; streams a task when asked to.',
  supportedInterfaces: [{ url: publicUrl, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
  provider: undefined,
  version: '1.0.0',
  capabilities: { streaming: true, pushNotifications: false, extensions: [] },
  securitySchemes: {},
  securityRequirements: [],
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['text/plain'],
  skills: [{
    id: 'count',
    name: 'count',
    description: 'Names the process and counts the messages it answered',
    tags: ['test'],
    examples: ['hello', 'stream please'],
    inputModes: ['text/plain'],
    outputModes: ['text/plain'],
    securityRequirements: [],
  }],
  signatures: [],
}

const textPart = (text) => ({ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' })

const agentMessage = (text, taskId, contextId) => ({
  messageId: randomUUID(),
  contextId,
  taskId,
  role: Role.ROLE_AGENT,
  parts: [textPart(text)],
  metadata: undefined,
  extensions: [],
  referenceTaskIds: [],
})

const status = (taskId, contextId, state, message) => ({
  taskId,
  contextId,
  status: { state, message, timestamp: new Date().toISOString() },
  metadata: undefined,
})

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

class CountingExecutor {
  async execute(request, bus) {
    const { taskId, contextId } = request
    const said = request.userMessage.parts
      .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
      .join('')
    const headers = request.context.state.get('headers') ?? {}
    const session = headers['x-amzn-bedrock-agentcore-runtime-session-id'] ?? 'none'
    const count = ++answered
    const who = `instance=${instance} pid=${process.pid} count=${count} session=${session}`

    if (!said.startsWith('stream')) {
      bus.publish(AgentEvent.message(agentMessage(`${who} you said: ${said}`, '', contextId)))
      return
    }
    if (!request.task) {
      bus.publish(AgentEvent.task({
        id: taskId,
        contextId,
        status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: new Date().toISOString() },
        artifacts: [],
        history: [request.userMessage],
        metadata: undefined,
      }))
    }
    bus.publish(AgentEvent.statusUpdate(status(taskId, contextId, TaskState.TASK_STATE_WORKING,
        agentMessage(`${who} working`, taskId, contextId))))
    const artifactId = randomUUID()
    for (let chunk = 0; chunk < STREAM_CHUNKS; chunk++) {
      // Apart in time, so a proxy that buffered the stream would show up as events arriving together.
      await sleep(150)
      bus.publish(AgentEvent.artifactUpdate({
        taskId,
        contextId,
        artifact: { artifactId, name: 'answer', description: '', parts: [textPart(`chunk ${chunk} ${who};`)], metadata: undefined, extensions: [] },
        append: chunk > 0,
        lastChunk: chunk === STREAM_CHUNKS - 1,
        metadata: undefined,
      }))
    }
    bus.publish(AgentEvent.statusUpdate(status(taskId, contextId, TaskState.TASK_STATE_COMPLETED,
        agentMessage(`${who} done`, taskId, contextId))))
  }

  async cancelTask(taskId, bus) {
    bus.publish(AgentEvent.statusUpdate(status(taskId, '', TaskState.TASK_STATE_CANCELED, undefined)))
  }
}

const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), new CountingExecutor())
const app = express()
app.use('/.well-known/agent-card.json', agentCardHandler({ agentCardProvider: handler }))
app.use('/', jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }))
app.listen(port, '0.0.0.0', () => console.log(`a2a-agent ${instance} (pid ${process.pid}) listening on 0.0.0.0:${port}, card url ${publicUrl}`))
