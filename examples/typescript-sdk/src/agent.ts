// A streaming agent built with the bedrock-agentcore SDK. Each invocation yields a few server-sent events.
// The process keeps one counter, so calls that land on the same process (the same session) count up.
import { BedrockAgentCoreApp, type RequestContext } from 'bedrock-agentcore/runtime'

interface Payload {
  prompt?: unknown
  events?: unknown
  delayMs?: unknown
}

let count = 0

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function number(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback
}

async function* stream(request: unknown, context: RequestContext) {
  const payload: Payload = request !== null && typeof request === 'object' ? (request as Payload) : {}
  const current = ++count
  const events = Math.min(number(payload.events, 3), 1000)
  const delayMs = number(payload.delayMs, 50)
  for (let index = 0; index < events; index++) {
    if (index > 0 && delayMs > 0) {
      await sleep(delayMs)
    }
    yield { index, count: current, sessionId: context.sessionId, prompt: payload.prompt ?? null }
  }
}

const app = new BedrockAgentCoreApp({
  invocationHandler: { process: stream },
})

// run() takes { port, host } (defaults 8080 and 0.0.0.0) and does not read PORT itself.
app.run({ port: Number(process.env.PORT || 8080) })
