// The official TypeScript SDK's agent with the handlers JavaSdkContractTest gives the Java SDK's agent, so that the
// test can compare what both answer over HTTP. Listens on 127.0.0.1:$PORT.
import { BedrockAgentCoreApp } from 'bedrock-agentcore/runtime'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function* items(failAfterFirst) {
  yield { n: 1, text: 'one' }
  if (failAfterFirst) {
    throw new Error('lost the model')
  }
  yield 'plain text'
  yield [2, { nested: true }]
}

const app = new BedrockAgentCoreApp({
  config: { logging: { enabled: false } },
  invocationHandler: {
    process: async (request, context) => {
      switch (request?.mode) {
        case 'json':
          return { answer: 42, sessionId: context.sessionId }
        case 'stream':
          return items(false)
        case 'stream-fail':
          return items(true)
        case 'fail':
          throw new Error('model unavailable')
        case 'busy': {
          const task = app.addAsyncTask('busy')
          sleep(request.ms ?? 1500).then(() => app.completeAsyncTask(task))
          return { started: true }
        }
        default:
          return { echo: request ?? null }
      }
    },
  },
})

app.run({ port: Number(process.env.PORT), host: '127.0.0.1' })
