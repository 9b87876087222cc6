// The same agent without streaming: the handler returns a plain object, which the SDK sends as JSON.
import { BedrockAgentCoreApp, type RequestContext } from 'bedrock-agentcore/runtime'

let count = 0

async function answer(request: unknown, context: RequestContext) {
  const payload = request !== null && typeof request === 'object' ? (request as { prompt?: unknown }) : {}
  count++
  return { count, sessionId: context.sessionId, prompt: payload.prompt ?? null }
}

const app = new BedrockAgentCoreApp({
  invocationHandler: { process: answer },
})

// run() takes { port, host } (defaults 8080 and 0.0.0.0) and does not read PORT itself.
app.run({ port: Number(process.env.PORT || 8080) })
