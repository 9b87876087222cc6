// The tools both MCP test servers offer: enough to tell which process answered, and one that streams.
import { randomUUID } from 'node:crypto'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import * as z from 'zod/v4'

// Sandboxes with their own pid namespace may all give the agent the same pid: this id tells processes apart.
const boot = randomUUID()
let calls = 0

const text = (value) => ({ content: [{ type: 'text', text: JSON.stringify(value) }] })
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** A new MCP server with the test tools, named `name`. */
export function testServer(name) {
  const server = new McpServer({ name, version: '1.0.0' }, { capabilities: { logging: {} } })

  server.registerTool('whoami', {
    description: 'The process that answered: its pid, a per-process id and how many times whoami ran in it',
    inputSchema: {},
  }, async (_args, extra) => text({ pid: process.pid, boot, count: ++calls, mcpSessionId: extra.sessionId ?? null }))

  server.registerTool('add', {
    description: 'a + b',
    inputSchema: { a: z.number(), b: z.number() },
  }, async ({ a, b }) => text({ sum: a + b }))

  server.registerTool('countdown', {
    description: 'Sends one progress notification every delayMs, steps times, then answers',
    inputSchema: { steps: z.number().int().min(1).max(20), delayMs: z.number().int().min(0).max(2000) },
  }, async ({ steps, delayMs }, extra) => {
    const token = extra._meta?.progressToken
    for (let step = 1; step <= steps; step++) {
      if (token !== undefined) {
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: token, progress: step, total: steps, message: `step ${step}` },
        })
      }
      await sleep(delayMs)
    }
    return text({ done: steps })
  })

  server.registerTool('notify-later', {
    description: 'Answers at once, then sends a log message on the server\'s own stream (the GET) after delayMs',
    inputSchema: { message: z.string(), delayMs: z.number().int().min(0).max(2000) },
  }, async ({ message, delayMs }) => {
    // Sent with no request to belong to, so it can only travel on the stream the client opened with GET.
    setTimeout(() => server.sendLoggingMessage({ level: 'info', data: message }).catch(() => {}), delayMs)
    return text({ scheduled: message })
  })

  return server
}

/** The port Hearth dials: 8000 in a sandbox of its own, PORT when agents share the host. */
export const port = Number(process.env.PORT || 8000)
