// A stateful MCP server (streamable HTTP), as the SDK's canonical example: initialize creates a transport with a
// fresh MCP session id, later requests find it by that id, GET opens the server's stream, DELETE ends the session.
import { randomUUID } from 'node:crypto'
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js'
import { port, testServer } from './mcp/tools.mjs'

const app = createMcpExpressApp({ host: '0.0.0.0' })
const transports = new Map()

const fail = (res, status, code, message) => res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null })

app.post('/mcp', async (req, res) => {
  const sessionId = req.headers['mcp-session-id']
  try {
    let transport = sessionId ? transports.get(sessionId) : undefined
    if (!transport) {
      if (sessionId) {
        return fail(res, 404, -32001, `Session not found: ${sessionId}`)
      }
      if (!isInitializeRequest(req.body)) {
        return fail(res, 400, -32000, 'Bad Request: No valid session ID provided')
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => transports.set(id, transport),
      })
      transport.onclose = () => {
        if (transport.sessionId) {
          transports.delete(transport.sessionId)
        }
      }
      await testServer('hearth-test-stateful').connect(transport)
    }
    await transport.handleRequest(req, res, req.body)
  } catch (error) {
    console.error('MCP request failed:', error)
    if (!res.headersSent) {
      fail(res, 500, -32603, 'Internal server error')
    }
  }
})

// GET (the server's stream) and DELETE (the end of the session) both need a session the server knows.
const existing = async (req, res) => {
  const sessionId = req.headers['mcp-session-id']
  const transport = sessionId ? transports.get(sessionId) : undefined
  if (!transport) {
    return fail(res, sessionId ? 404 : 400, -32001, sessionId ? `Session not found: ${sessionId}` : 'Missing session ID')
  }
  await transport.handleRequest(req, res)
}
app.get('/mcp', existing)
app.delete('/mcp', existing)

app.listen(port, '0.0.0.0', (error) => {
  if (error) {
    console.error('cannot listen:', error)
    process.exit(1)
  }
  console.log(`stateful MCP server on 0.0.0.0:${port}/mcp, pid ${process.pid}`)
})
