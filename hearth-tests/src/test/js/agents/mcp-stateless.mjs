// A stateless MCP server (streamable HTTP): a new server and transport for every request, no MCP session id, as
// the SDK's stateless example. GET and DELETE answer 405: there is no server stream and no session to end.
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { port, testServer } from './mcp/tools.mjs'

const app = createMcpExpressApp({ host: '0.0.0.0' })

app.post('/mcp', async (req, res) => {
  const server = testServer('hearth-test-stateless')
  try {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
    res.on('close', () => {
      transport.close()
      server.close()
    })
    await server.connect(transport)
    await transport.handleRequest(req, res, req.body)
  } catch (error) {
    console.error('MCP request failed:', error)
    if (!res.headersSent) {
      res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null })
    }
  }
})

const notAllowed = (req, res) => {
  res.status(405).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null })
}
app.get('/mcp', notAllowed)
app.delete('/mcp', notAllowed)

app.listen(port, '0.0.0.0', (error) => {
  if (error) {
    console.error('cannot listen:', error)
    process.exit(1)
  }
  console.log(`stateless MCP server on 0.0.0.0:${port}/mcp, pid ${process.pid}`)
})
