// An AG-UI agent: RunAgentInput in, the AG-UI event stream out, over SSE at POST /invocations and over the
// WebSocket at /ws (one JSON event per text message), with the container contract's /ping. It answers the last user
// message with an echo naming its process and how many runs it served, so a test can tell sandboxes apart.
import http from 'node:http'
import { EventEncoder } from '@ag-ui/encoder'
import { EventType } from '@ag-ui/core'
import { WebSocketServer } from 'ws'

const port = Number(process.env.PORT || 8080)
const startedAt = Math.floor(Date.now() / 1000)
let runs = 0

function eventsFor(input) {
  runs++
  const messageId = `m-${process.pid}-${runs}`
  const asked = [...(input.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? ''
  const text = `echo: ${asked} (pid ${process.pid}, run ${runs})`
  const deltas = text.match(/.{1,8}/gs) ?? []
  return [
    { type: EventType.RUN_STARTED, threadId: input.threadId, runId: input.runId },
    { type: EventType.TEXT_MESSAGE_START, messageId, role: 'assistant' },
    ...deltas.map((delta) => ({ type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta })),
    { type: EventType.TEXT_MESSAGE_END, messageId },
    { type: EventType.RUN_FINISHED, threadId: input.threadId, runId: input.runId },
  ]
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const server = http.createServer(async (req, res) => {
  if (req.method === 'GET' && req.url === '/ping') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ status: 'Healthy', time_of_last_update: startedAt }))
    return
  }
  if (req.method === 'POST' && req.url === '/invocations') {
    let body = ''
    for await (const chunk of req) body += chunk
    const encoder = new EventEncoder({ accept: req.headers.accept })
    res.writeHead(200, { 'content-type': encoder.getContentType(), 'cache-control': 'no-cache' })
    for (const event of eventsFor(JSON.parse(body))) {
      res.write(encoder.encodeSSE(event))
      await sleep(5) // one event at a time, as a model's tokens arrive
    }
    res.end()
    return
  }
  res.writeHead(404, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ error: `no route ${req.method} ${req.url}` }))
})

const sockets = new WebSocketServer({ server, path: '/ws' })
sockets.on('connection', (socket) => {
  socket.on('message', async (data) => {
    for (const event of eventsFor(JSON.parse(data.toString()))) {
      socket.send(JSON.stringify(event))
    }
  })
})

server.listen(port, '0.0.0.0')
