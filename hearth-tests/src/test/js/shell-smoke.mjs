// Interactive shells (`/runtimes/{arn}/ws/shells`) through the official `bedrock-agentcore` SDK's own client,
// `RuntimeClient.openShell`, against a running Hearth server; the protocol errors through the raw `ws` package.
//
//   HEARTH_ENDPOINT     server URL, for example http://127.0.0.1:8080
//   HEARTH_RUNTIME_ARN  a READY runtime of examples/python-counter (its files include agent.py)
//   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION  an access key of the server
//   HEARTH_SHELL_WINDOW_MS  the server's shell reconnect window, when short enough to wait for (optional)
//
// Prints one line per step, then `shell-smoke: N passed, 0 failed`; on a failure prints the error and exits 1.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import { RuntimeClient, ShellChannel } from 'bedrock-agentcore/runtime'
import { BedrockAgentCoreClient, StopRuntimeSessionCommand } from '@aws-sdk/client-bedrock-agentcore'

const endpoint = process.env.HEARTH_ENDPOINT
const runtimeArn = process.env.HEARTH_RUNTIME_ARN
if (!endpoint || !runtimeArn || !process.env.AWS_ACCESS_KEY_ID) {
  console.error('shell-smoke: set HEARTH_ENDPOINT, HEARTH_RUNTIME_ARN and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY')
  process.exit(2)
}
// The SDK's one switch for a data plane other than AWS's; an http:// endpoint becomes ws://.
process.env.BEDROCK_AGENTCORE_DATA_PLANE_ENDPOINT = endpoint
const region = process.env.AWS_REGION || 'us-east-1'
const client = new RuntimeClient({ region })
const data = new BedrockAgentCoreClient({ endpoint, region })
const WAIT_MS = 20_000

/** Reads a shell for its whole life, keeping its terminal output, so steps can wait for what they expect. */
class Reader {
  constructor(shell) {
    this.shell = shell
    this.output = ''
    this.frames = []
    this.done = (async () => {
      for await (const frame of shell) {
        this.frames.push(frame)
        if (frame.channel === ShellChannel.STDOUT) this.output += frame.text
      }
    })()
  }

  /** Waits until the output since `from` matches `pattern`; returns the offset after the match. */
  async waitFor(pattern, from = 0) {
    const deadline = Date.now() + WAIT_MS
    while (Date.now() < deadline) {
      const match = pattern.exec(this.output.slice(from))
      if (match) return from + match.index + match[0].length
      await sleep(20)
    }
    throw new Error(`no ${pattern} in the shell's output within ${WAIT_MS} ms; it was:\n${this.output.slice(from)}`)
  }

  /** Waits until the shell's frames end (exit, kick, or a close that is not retried). */
  async ended() {
    await Promise.race([this.done, sleep(WAIT_MS).then(() => { throw new Error('the shell did not end') })])
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const newSession = () => `shell-smoke-${randomUUID()}`
const logger = process.env.HEARTH_SHELL_DEBUG ? console : undefined
const open = (sessionId, shellId, extra = {}) =>
  client.openShell({ runtimeArn, sessionId, shellId, keepaliveIntervalMs: 200, logger, ...extra })

let passed = 0
let failed = 0
// HEARTH_SHELL_ONLY=<regular expression> runs only the steps whose names match it.
const only = process.env.HEARTH_SHELL_ONLY ? new RegExp(process.env.HEARTH_SHELL_ONLY) : null
async function step(name, body) {
  if (only && !only.test(name)) return
  try {
    await Promise.race([body(), sleep(60_000).then(() => { throw new Error('the step took over 60 s') })])
    passed++
    console.log(`ok   ${name}`)
  } catch (e) {
    failed++
    console.log(`FAIL ${name}: ${e.stack || e}`)
  }
}

const sessionId = newSession()

await step('echo runs in a shell in the agent\'s directory, and sees its files', async () => {
  const shell = await open(sessionId, 'main')
  assert.equal(shell.shellId, 'main')
  assert.equal(shell.reconnected, false)
  const reader = new Reader(shell)
  await shell.send('echo hello-$((6*7))\n')
  await reader.waitFor(/hello-42/)
  const at = reader.output.length
  await shell.send('ls; test -t 0 && echo on-a-tty\n')
  await reader.waitFor(/agent\.py[\s\S]*on-a-tty/, at)
  await shell.close()
})

await step('resize reaches the terminal (stty size)', async () => {
  const shell = await open(sessionId, 'resize')
  const reader = new Reader(shell)
  await shell.resize(123, 45)
  await shell.send('stty size\n')
  await reader.waitFor(/45 123/)
  await shell.close()
})

await step('Ctrl-C interrupts sleep 100', async () => {
  const shell = await open(sessionId, 'interrupt')
  const reader = new Reader(shell)
  await shell.send('sleep 100; echo slept-$((1+1))\n')
  await sleep(500)
  const started = Date.now()
  // A ^C that lands before the shell has handed the terminal to sleep reaches only the shell, which waits on: as a
  // user would, press it again until the prompt is back.
  let at = reader.output.length
  for (let attempt = 0; ; attempt++) {
    await shell.send(Buffer.from([0x03]))
    try {
      await Promise.race([reader.waitFor(/\^C[\s\S]*[$#] $/, at), sleep(2_000).then(() => { throw new Error('no prompt') })])
      break
    } catch (e) {
      if (attempt === 4) throw e
      at = reader.output.length
    }
  }
  await shell.send('echo after-$((2+1))\n')
  await reader.waitFor(/after-3/)
  assert.ok(Date.now() - started < 15_000, 'the interrupt took too long')
  assert.doesNotMatch(reader.output, /slept-2/)
  await shell.close()
})

await step('exit 3 ends the shell with a status the SDK reads as exit code 3', async () => {
  const shell = await open(sessionId, 'exiting')
  const reader = new Reader(shell)
  await shell.send('exit 3\n')
  await reader.ended()
  assert.equal(shell.exitCode, 3)
  const status = reader.frames.at(-1)
  assert.equal(status.channel, ShellChannel.STATUS)
  assert.equal(status.json().status, 'Failure')
})

await step('exit 0 is a Success status', async () => {
  const shell = await open(sessionId, 'clean')
  const reader = new Reader(shell)
  await shell.send('exit\n')
  await reader.ended()
  assert.equal(shell.exitCode, 0)
})

await step('a dropped connection is reattached by the SDK to the same shell', async () => {
  let reattached = null
  const shell = await open(sessionId, 'keeper', {
    reconnectConfig: { maxRetries: 5, baseDelay: 100, onReconnect: (r) => { reattached = r } },
  })
  const reader = new Reader(shell)
  await shell.send('echo ready-$((4+4))\n')
  await reader.waitFor(/ready-8/)
  shell._terminateConnection()
  const deadline = Date.now() + WAIT_MS
  while (reattached === null && Date.now() < deadline) await sleep(20)
  // The server confirmed a reattach (metadata.reconnected), not a fresh shell.
  assert.equal(reattached, true)
  assert.equal(shell.reconnected, true)
  await shell.close()
})

await step('output produced while no client is attached is replayed to the next one, in the same shell', async () => {
  const first = await open(sessionId, 'replay')
  const reader = new Reader(first)
  await first.send('MARK=kept-$((40+2)); echo set-$MARK\n')
  await reader.waitFor(/set-kept-42/)
  await first.send('sleep 1; echo later-$((3*3))\n')
  await sleep(100)
  first._terminateConnection() // no reconnectConfig: this client is gone for good
  await sleep(2_500)
  const second = await open(sessionId, 'replay')
  assert.equal(second.reconnected, true)
  assert.equal(second.bytesDropped, 0)
  const replayed = new Reader(second)
  const at = await replayed.waitFor(/later-9/)
  await second.send('echo still-$MARK\n')
  await replayed.waitFor(/still-kept-42/, at)
  await second.close()
})

await step('output beyond the replay buffer is dropped and counted (bytesDropped)', async () => {
  const first = await open(sessionId, 'flood')
  const reader = new Reader(first)
  await first.send('echo ready-$((5+5))\n')
  await reader.waitFor(/ready-10/)
  await first.send('sleep 0.3; head -c 400000 /dev/zero | tr "\\0" x; echo; echo flood-$((6+6))\n')
  await sleep(100)
  first._terminateConnection()
  await sleep(2_000) // within the test server's reconnect window of 3 s
  const second = await open(sessionId, 'flood')
  assert.equal(second.reconnected, true)
  assert.ok(second.bytesDropped > 0, `bytesDropped: ${second.bytesDropped}`)
  const replayed = new Reader(second)
  await replayed.waitFor(/flood-12/)
  await second.close()
})

await step('a second client with the same shell id takes the shell over (the first is told with 4000)', async () => {
  const first = await open(sessionId, 'shared')
  const firstReader = new Reader(first)
  await first.send('SHARED=one-$((1*1))\n')
  await sleep(300)
  const second = await open(sessionId, 'shared')
  assert.equal(second.reconnected, true)
  await firstReader.ended()
  assert.equal(first.kicked, true)
  const reader = new Reader(second)
  await second.send('echo shared-$SHARED\n')
  await reader.waitFor(/shared-one-1/)
  await second.close()
})

await step('closing with 0xFF kills the shell: the same id then starts a fresh one', async () => {
  const shell = await open(sessionId, 'gone')
  const reader = new Reader(shell)
  await shell.send('GONE=here-$((5*5)); echo set-$GONE\n')
  await reader.waitFor(/set-here-25/)
  await shell.close()
  await sleep(300)
  const again = await open(sessionId, 'gone')
  assert.equal(again.reconnected, false)
  const fresh = new Reader(again)
  await again.send('echo fresh-[$GONE]\n')
  await fresh.waitFor(/fresh-\[\]/)
  await again.close()
})

await step('StopRuntimeSession kills the session\'s shells; the client hears the end', async () => {
  const stopped = newSession()
  const shell = await open(stopped, 'doomed')
  const reader = new Reader(shell)
  await shell.send('echo alive-$((7*7))\n')
  await reader.waitFor(/alive-49/)
  await data.send(new StopRuntimeSessionCommand({ agentRuntimeArn: runtimeArn, runtimeSessionId: stopped }))
  await reader.ended()
  assert.notEqual(shell.exitCode, 0)
})

/** A raw socket to the shell route, signed as the SDK signs (its own helper), for what the SDK never sends. */
async function raw(shellId, sessionId) {
  const { url, headers } = await client.connectShellSigV4({ runtimeArn, shellId, sessionId })
  const ws = new WebSocket(url, { headers })
  const frames = []
  ws.on('message', (data) => frames.push(Buffer.from(data)))
  const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('unexpected-response', (req, res) => {
      let body = ''
      res.on('data', (chunk) => { body += chunk })
      res.on('end', () => reject(new Error(`HTTP ${res.statusCode}: ${body}`)))
    })
    ws.once('error', reject)
  })
  return { ws, frames, closed }
}

await step('a text frame closes the socket with 1003, an unknown channel with 1008, an oversized frame with 1009', async () => {
  const text = await raw('raw-text', sessionId)
  text.ws.send('ls\n')
  assert.equal((await text.closed).code, 1003)
  const unknown = await raw('raw-channel', sessionId)
  unknown.ws.send(Buffer.from([0x07, 0x41]))
  const closed = await unknown.closed
  assert.equal(closed.code, 1008)
  assert.match(closed.reason, /channel: 7/)
  const big = await raw('raw-big', sessionId)
  big.ws.send(Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64 * 1024)]))
  assert.equal((await big.closed).code, 1009)
})

await step('the server answers a heartbeat with a heartbeat; the first frame is the confirmation status', async () => {
  const socket = await raw('raw-heartbeat', sessionId)
  socket.ws.send(Buffer.from([0x05]))
  const deadline = Date.now() + WAIT_MS
  while (!socket.frames.some((f) => f[0] === 0x05) && Date.now() < deadline) await sleep(20)
  assert.equal(socket.frames[0][0], 0x03)
  const confirmation = JSON.parse(socket.frames[0].subarray(1).toString())
  assert.equal(confirmation.metadata.shellId, 'raw-heartbeat')
  assert.ok(socket.frames.some((f) => f.length === 1 && f[0] === 0x05), 'no heartbeat came back')
  socket.ws.send(Buffer.from([0xff]))
  const closed = await socket.closed
  assert.equal(closed.code, 1000)
  assert.ok(socket.frames.some((f) => f.length === 1 && f[0] === 0xff), 'no 0xFF came back')
})

await step('a malformed shell id is refused with 400 before the upgrade', async () => {
  // The SDK refuses to build such a URL, so it is built and signed here by hand with the SDK's own signer.
  const good = client._buildShellUrl(runtimeArn, 'placeholder')
  const url = good.replace('shellId=placeholder', 'shellId=-bad')
  const headers = await client._sigV4SignWsUrl(url, sessionId)
  const ws = new WebSocket(url, { headers })
  const answer = await new Promise((resolve, reject) => {
    ws.once('unexpected-response', (req, res) => {
      let body = ''
      res.on('data', (chunk) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['x-amzn-errortype'], body }))
    })
    ws.once('open', () => reject(new Error('the upgrade was accepted')))
    ws.once('error', () => {})
  })
  assert.equal(answer.status, 400)
  assert.match(answer.type, /ValidationException/)
  assert.match(JSON.parse(answer.body).message, /shellId: -bad/)
})

const windowMs = Number(process.env.HEARTH_SHELL_WINDOW_MS || 0)
if (windowMs > 0) {
  await step('a shell no client reattached to within the reconnect window is killed', async () => {
    const shell = await open(sessionId, 'expiring')
    const reader = new Reader(shell)
    await shell.send('echo $$ > expiring.pid; LEFT=behind; echo saved-$((8*8))\n')
    await reader.waitFor(/saved-64/)
    shell._terminateConnection() // no reconnectConfig: the SDK does not come back
    await sleep(windowMs + 2_000)
    const again = await open(sessionId, 'expiring')
    assert.equal(again.reconnected, false)
    const fresh = new Reader(again)
    await again.send('echo left-[$LEFT]; kill -0 $(cat expiring.pid) 2>/dev/null && echo old-alive || echo old-$((9*9))-gone\n')
    await fresh.waitFor(/left-\[\][\s\S]*old-81-gone/)
    await again.close()
  })
}

console.log(`shell-smoke: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
