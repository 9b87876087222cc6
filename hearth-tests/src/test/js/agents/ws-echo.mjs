// A WebSocket agent built with the official bedrock-agentcore SDK: /ws echoes every message as it came (text or
// binary), and a few text commands let a test drive it. Invocations and sockets share one process, so both see the
// same counter when they reach the same session.
//
//   count              the counter, plus one, as JSON {count, pid, sessionId}
//   close:<code>:<why>  the agent closes the socket with that code and reason
//   headers            the headers the agent's socket was opened with, as JSON
//   exit               the agent's process exits (mid-socket)
//
// Invocations: {"op": "lastClose"} answers how the last socket was closed from the other side; anything else counts.
import { BedrockAgentCoreApp } from 'bedrock-agentcore/runtime'

let count = 0
let lastClose = null

const app = new BedrockAgentCoreApp({
  invocationHandler: {
    process: async (request, context) => {
      if (request && request.op === 'lastClose') {
        return { lastClose }
      }
      count++
      return { count, pid: process.pid, sessionId: context.sessionId }
    },
  },
  websocketHandler: async (socket, context) => {
    const headers = context.headers || {}
    socket.on('message', (data, isBinary) => {
      if (!isBinary) {
        const text = data.toString()
        if (text === 'count') {
          count++
          socket.send(JSON.stringify({ count, pid: process.pid, sessionId: context.sessionId }))
          return
        }
        if (text.startsWith('close:')) {
          const [, code, ...reason] = text.split(':')
          socket.close(Number(code), reason.join(':'))
          return
        }
        if (text === 'headers') {
          socket.send(JSON.stringify({ sessionId: context.sessionId, requestId: context.requestId, headers }))
          return
        }
        if (text === 'exit') {
          process.exit(3)
        }
      }
      socket.send(data, { binary: isBinary })
    })
    socket.on('close', (code, reason) => {
      lastClose = { code, reason: reason.toString() }
    })
  },
})

// run() takes { port, host } (defaults 8080 and 0.0.0.0) and does not read PORT itself.
app.run({ port: Number(process.env.PORT || 8080) })
