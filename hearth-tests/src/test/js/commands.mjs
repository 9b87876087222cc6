// InvokeAgentRuntimeCommand through the unmodified AWS SDK for JavaScript v3 against a running Hearth server.
//
//   HEARTH_ENDPOINT   server URL
//   HEARTH_RUNTIME_ARN  a READY runtime of examples/python-counter
//   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY  an access key of the server
//   COMMANDS_ONLY     optional: run only the steps whose title contains this text
//   HEARTH_ISOLATION  the server's sandbox driver (process when unset)
//
// Prints one line per step, then `commands: N passed, 0 failed`; on a failure prints it and exits 1.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import {
  BedrockAgentCoreClient,
  InvokeAgentRuntimeCommand,
  InvokeAgentRuntimeCommandCommand,
  StopRuntimeSessionCommand,
} from '@aws-sdk/client-bedrock-agentcore'

const endpoint = process.env.HEARTH_ENDPOINT
const arn = process.env.HEARTH_RUNTIME_ARN
if (!endpoint || !arn) {
  console.error('commands: set HEARTH_ENDPOINT and HEARTH_RUNTIME_ARN')
  process.exit(2)
}
const only = process.env.COMMANDS_ONLY || ''
const isolation = process.env.HEARTH_ISOLATION || 'process'
const client = new BedrockAgentCoreClient({ endpoint, region: 'us-east-1', maxAttempts: 1 })

let passed = 0
async function step(title, body) {
  if (!title.includes(only)) {
    return
  }
  const started = Date.now()
  const detail = await body()
  passed++
  console.log(`ok ${String(passed).padStart(2)} ${title} (${Date.now() - started} ms)${detail ? ': ' + detail : ''}`)
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const newSessionId = () => ('cmd-' + randomBytes(24).toString('hex')).slice(0, 48)

function send(sessionId, command, timeout, abortSignal) {
  const input = { agentRuntimeArn: arn, runtimeSessionId: sessionId, body: { command } }
  if (timeout !== undefined) {
    input.body.timeout = timeout
  }
  return client.send(new InvokeAgentRuntimeCommandCommand(input), abortSignal ? { abortSignal } : {})
}

/** Every event of a command's stream, in order, as the SDK decodes them. */
async function events(response) {
  const all = []
  for await (const event of response.stream) {
    all.push(event)
  }
  return all
}

/** Runs a command to its end: its events, stdout and stderr joined, and its contentStop. */
async function run(sessionId, command, timeout) {
  const response = await send(sessionId, command, timeout)
  const all = await events(response)
  return { response, all, ...summary(all) }
}

function summary(all) {
  const deltas = all.filter((e) => e.chunk?.contentDelta).map((e) => e.chunk.contentDelta)
  return {
    stdout: deltas.map((d) => d.stdout ?? '').join(''),
    stderr: deltas.map((d) => d.stderr ?? '').join(''),
    stop: all.at(-1)?.chunk?.contentStop,
  }
}

async function invokeAgent(sessionId, payload) {
  const answer = await client.send(new InvokeAgentRuntimeCommand({
    agentRuntimeArn: arn,
    runtimeSessionId: sessionId,
    contentType: 'application/json',
    payload: new TextEncoder().encode(JSON.stringify(payload)),
  }))
  return JSON.parse(await answer.response.transformToString())
}

async function expectValidation(body, field) {
  const input = { agentRuntimeArn: arn, runtimeSessionId: newSessionId(), body }
  const error = await client.send(new InvokeAgentRuntimeCommandCommand(input)).then(
    () => assert.fail(`expected a ValidationException for ${JSON.stringify(body)}`), (e) => e)
  assert.equal(error.name, 'ValidationException', String(error))
  assert.equal(error.$metadata.httpStatusCode, 400)
  assert.equal(error.fieldList?.[0]?.name, field, JSON.stringify(error.fieldList))
  return error.message
}

/**
 * Whether the process whose id a command left in the workspace still runs, asked from inside the sandbox: 'alive',
 * 'dead' (gone), or 'zombie' (killed, its exit status not yet collected).
 */
async function state(sessionId, pidFile) {
  const { stdout } = await run(sessionId, `pid="$(cat "$HEARTH_WORKSPACE/${pidFile}")"; `
    + 'stat="$(cat /proc/$pid/stat 2>/dev/null)" || { echo dead; exit; }; set -- ${stat##*) }; '
    + '[ "$1" = Z ] && echo zombie || echo alive')
  return stdout.trim()
}

/**
 * Whether a killed process is gone, 'alive' or 'dead'. A zombie counts as alive (its init has yet to reap it) except
 * under gVisor, where the agent is the sandbox's init: a killed program's orphans pass to it, and an agent that does
 * not wait for its children keeps them as zombies until the sandbox ends (docs/commands.md).
 */
async function alive(sessionId, pidFile) {
  const seen = await state(sessionId, pidFile)
  return seen === 'zombie' ? (isolation === 'gvisor' ? 'dead' : 'alive') : seen
}

async function main() {
  const session = newSessionId()

  await step('stdout and stderr arrive as separate deltas, in order, then contentStop with the exit code', async () => {
    const { response, all, stdout, stderr, stop } = await run(session,
      'echo out1; sleep 0.3; echo err1 >&2; sleep 0.3; echo out2; sleep 0.3; echo err2 >&2; exit 3')
    assert.equal(response.contentType, 'application/vnd.amazon.eventstream')
    assert.equal(response.runtimeSessionId, session)
    assert.deepEqual(all[0], { chunk: { contentStart: {} } })
    const deltas = all.slice(1, -1).map((e) => e.chunk.contentDelta)
    assert.deepEqual(deltas, [{ stdout: 'out1\n' }, { stderr: 'err1\n' }, { stdout: 'out2\n' }, { stderr: 'err2\n' }])
    assert.equal(stdout, 'out1\nout2\n')
    assert.equal(stderr, 'err1\nerr2\n')
    assert.deepEqual(stop, { exitCode: 3, status: 'COMPLETED' })
  })

  await step('output arrives as the program writes it, before the program ends', async () => {
    const response = await send(session, 'echo first; sleep 3; echo second')
    const started = Date.now()
    const iterator = response.stream[Symbol.asyncIterator]()
    assert.deepEqual((await iterator.next()).value, { chunk: { contentStart: {} } })
    assert.deepEqual((await iterator.next()).value, { chunk: { contentDelta: { stdout: 'first\n' } } })
    const firstAfter = Date.now() - started
    assert.ok(firstAfter < 2000, `the first line took ${firstAfter} ms`)
    const rest = []
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      rest.push(next.value)
    }
    assert.deepEqual(summary(rest).stop, { exitCode: 0, status: 'COMPLETED' })
    return `first line after ${firstAfter} ms`
  })

  await step('UTF-8 text is never split inside a character', async () => {
    const { stdout, stop } = await run(session, 'yes "é€😀" | head -n 40000')
    assert.equal(stop.exitCode, 0)
    assert.equal(stdout, 'é€😀\n'.repeat(40000))
  })

  await step('the command sees the agent\'s files, and the agent the command\'s', async () => {
    const written = await invokeAgent(session, { write: { path: 'from-agent.txt', content: 'written by the agent' } })
    assert.equal(written.written, 'from-agent.txt')
    const { stdout } = await run(session, 'cat "$HEARTH_WORKSPACE/from-agent.txt"; printf "written by a command" > "$HEARTH_WORKSPACE/from-command.txt"')
    assert.equal(stdout, 'written by the agent')
    const read = await invokeAgent(session, { read: 'from-command.txt' })
    assert.equal(read.content, 'written by a command')
  })

  await step('a command past its timeout is killed with its children and ends TIMED_OUT', async () => {
    const started = Date.now()
    const { stdout, stop } = await run(session,
      'sleep 60 & echo $! > "$HEARTH_WORKSPACE/sleeper.pid"; echo waiting; wait', 2)
    const took = Date.now() - started
    assert.equal(stdout, 'waiting\n')
    assert.equal(stop.status, 'TIMED_OUT')
    assert.notEqual(stop.exitCode, 0)
    assert.ok(took >= 2000 && took < 10000, `took ${took} ms`)
    assert.equal(await alive(session, 'sleeper.pid'), 'dead')
    return `exit code ${stop.exitCode} after ${took} ms`
  })

  await step('a caller that goes away kills its command', async () => {
    const abort = new AbortController()
    const response = await send(session, 'sleep 60 & echo $! > "$HEARTH_WORKSPACE/orphan.pid"; echo started; wait', 600, abort.signal)
    const iterator = response.stream[Symbol.asyncIterator]()
    await iterator.next()
    assert.deepEqual((await iterator.next()).value, { chunk: { contentDelta: { stdout: 'started\n' } } })
    abort.abort()
    await iterator.next().catch(() => {})
    for (let i = 0; i < 50 && await alive(session, 'orphan.pid') === 'alive'; i++) {
      await sleep(100)
    }
    assert.equal(await alive(session, 'orphan.pid'), 'dead')
  })

  await step('a flood of output arrives whole, and stops the program while the caller does not read', async () => {
    const rounds = 800
    // Builtins only in the loop: a fork per round would cost more than the flood under gVisor's ptrace platform.
    const response = await send(session, 'rm -f "$HEARTH_WORKSPACE/progress"; a=$(head -c 65536 /dev/zero | tr "\\0" a); i=0;'
      + ' while [ $i -lt ' + rounds + ' ]; do printf %s "$a"; i=$((i+1)); echo $i > "$HEARTH_WORKSPACE/progress"; done')
    await sleep(3000) // not reading: the program must block, not Hearth buffer its output
    const progress = Number((await run(session, 'cat "$HEARTH_WORKSPACE/progress"')).stdout.trim())
    assert.ok(progress < rounds / 2, `the program wrote ${progress} of ${rounds} rounds while nobody read`)
    let bytes = 0
    let largest = 0
    let stop
    for await (const event of response.stream) {
      const text = event.chunk?.contentDelta?.stdout
      if (text !== undefined) {
        assert.ok(/^a*$/.test(text), 'only "a"s')
        bytes += text.length
        largest = Math.max(largest, text.length)
      }
      stop = event.chunk?.contentStop ?? stop
    }
    assert.equal(bytes, rounds * 65536)
    assert.deepEqual(stop, { exitCode: 0, status: 'COMPLETED' })
    assert.ok(largest <= 64 * 1024, `a delta of ${largest} characters`)
    return `${progress}/${rounds} rounds written while paused; ${bytes} bytes, largest delta ${largest}`
  })

  await step('a session stopped under a running command ends its stream with RuntimeClientError', async () => {
    const doomed = newSessionId()
    const response = await send(doomed, 'echo started; sleep 60')
    const iterator = response.stream[Symbol.asyncIterator]()
    await iterator.next()
    await iterator.next()
    await client.send(new StopRuntimeSessionCommand({ agentRuntimeArn: arn, runtimeSessionId: doomed }))
    const error = await (async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        // nothing more is expected before the error
      }
    })().then(() => assert.fail('the stream ended without an error'), (e) => e)
    assert.equal(error.name, 'RuntimeClientError', String(error))
    return error.message
  })

  await step('bad input is a ValidationException naming the field, before anything runs', async () => {
    await expectValidation({ command: '' }, 'command')
    await expectValidation({ command: 'x'.repeat(65537) }, 'command')
    await expectValidation({ command: 'true', timeout: 0 }, 'timeout')
    return await expectValidation({ command: 'true', timeout: 3601 }, 'timeout')
  })
}

main().then(() => {
  console.log(`commands: ${passed} passed, 0 failed`)
}, (error) => {
  console.error(error)
  console.log(`commands: ${passed} passed, 1 failed`)
  process.exit(1)
})
