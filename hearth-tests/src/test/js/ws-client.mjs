// WebSocket calls to an agent through Hearth, made the way AgentCore's own clients make them: the bedrock-agentcore
// SDK's RuntimeClient builds and signs the URL (SigV4 headers, or a presigned URL), the `ws` package connects.
//
//   BEDROCK_AGENTCORE_DATA_PLANE_ENDPOINT  the server's URL, for example http://127.0.0.1:8080 (the SDK reads it)
//   HEARTH_RUNTIME_ARN                     a runtime of the ws-echo agent (agents/ws-echo.mjs)
//   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION  an access key of the server
//
//   node ws-client.mjs [scenario ...]     the scenarios that need nothing more when none is named
//
// Prints one line per scenario, then `ws-client: N passed, 0 failed`; on a failure prints the error and exits 1.
import assert from 'node:assert/strict'
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import http from 'node:http'
import { BedrockAgentCoreClient, InvokeAgentRuntimeCommand, StopRuntimeSessionCommand } from '@aws-sdk/client-bedrock-agentcore'
import { RuntimeClient } from 'bedrock-agentcore/runtime'
import WebSocket from 'ws'

const endpoint = process.env.BEDROCK_AGENTCORE_DATA_PLANE_ENDPOINT
const arn = process.env.HEARTH_RUNTIME_ARN
if (!endpoint || !arn) {
  console.error('ws-client: set BEDROCK_AGENTCORE_DATA_PLANE_ENDPOINT and HEARTH_RUNTIME_ARN')
  process.exit(2)
}
const region = process.env.AWS_REGION || 'us-east-1'
const runtime = new RuntimeClient({ region })
const data = new BedrockAgentCoreClient({ endpoint, region })
const sessionId = () => `ws-${randomUUID()}-session`

/** Opens a socket; resolves with it and the 101's headers, or rejects with the refusal's status, type and body. */
function open(url, headers = {}, protocols = []) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, { headers, maxPayload: 64 << 20 })
    socket.once('upgrade', (response) => socket.once('open', () => resolve({ socket, headers: response.headers })))
    socket.once('unexpected-response', (request, response) => {
      let body = ''
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => {
        const error = new Error(`HTTP ${response.statusCode}: ${body}`)
        Object.assign(error, { status: response.statusCode, type: response.headers['x-amzn-errortype'], body,
          challenge: response.headers['www-authenticate'] })
        reject(error)
      })
    })
    socket.once('error', reject)
  })
}

async function signed(id) {
  const { url, headers } = await runtime.generateWsConnection({ runtimeArn: arn, sessionId: id })
  return open(url, headers)
}

/**
 * A presigned URL as the SDK makes it, pointed back at the server: the SDK writes it as wss://<hostname>/..., without
 * the endpoint's scheme and port (the signature covers the hostname alone), so a client of a server on another port
 * or on plain HTTP puts them back.
 */
async function presignedUrl(id, expires = 60) {
  const url = await runtime.generatePresignedUrl({ runtimeArn: arn, sessionId: id, expires })
  return url.replace(/^wss:\/\/[^/]+/, endpoint.replace(/^http/, 'ws').replace(/\/$/, ''))
}

async function presigned(id, expires = 60) {
  return open(await presignedUrl(id, expires))
}

/** The next message, as {data, binary}. */
const next = (socket) => new Promise((resolve, reject) => {
  socket.once('message', (message, binary) => resolve({ data: message, binary }))
  socket.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason}`)))
})

const closed = (socket) => new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))

async function invoke(id, payload) {
  const answer = await data.send(new InvokeAgentRuntimeCommand({
    agentRuntimeArn: arn, runtimeSessionId: id, contentType: 'application/json', payload: JSON.stringify(payload),
  }))
  return JSON.parse(await answer.response.transformToString())
}

async function echoes(socket) {
  socket.send('hello')
  let got = await next(socket)
  assert.equal(got.binary, false)
  assert.equal(got.data.toString(), 'hello')
  const bytes = randomBytes(4096)
  socket.send(bytes)
  got = await next(socket)
  assert.equal(got.binary, true)
  assert.deepEqual(Buffer.from(got.data), bytes)
}

const sha = (bytes) => createHash('sha256').update(bytes).digest('hex')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const scenarios = {
  async header() {
    const id = sessionId()
    const { socket, headers } = await signed(id)
    assert.equal(headers['x-amzn-bedrock-agentcore-runtime-session-id'], id)
    await echoes(socket)
    socket.send('headers')
    const seen = JSON.parse((await next(socket)).data.toString())
    assert.equal(seen.sessionId, id)
    assert.ok(seen.requestId, 'the agent got a request id')
    socket.close(1000, 'done')
    await closed(socket)
    return `session ${id}`
  },
  async presigned() {
    const id = sessionId()
    const { socket, headers } = await presigned(id)
    assert.equal(headers['x-amzn-bedrock-agentcore-runtime-session-id'], id)
    await echoes(socket)
    socket.close()
    await closed(socket)
    return `session ${id}`
  },
  async big() {
    const { socket } = await signed(sessionId())
    const bytes = randomBytes(10 * 1000 * 1000)
    const started = Date.now()
    socket.send(bytes)
    const got = await next(socket)
    assert.equal(got.data.length, bytes.length)
    assert.equal(sha(got.data), sha(bytes))
    const text = 'x'.repeat(10 * 1000 * 1000)
    socket.send(text)
    const back = await next(socket)
    assert.equal(back.binary, false)
    assert.equal(back.data.length, text.length)
    socket.close()
    return `10 MB binary and text echoed in ${Date.now() - started} ms`
  },
  async fragments() {
    const { socket } = await signed(sessionId())
    const parts = [randomBytes(100_000), randomBytes(100_000), randomBytes(1)]
    parts.forEach((part, index) => socket.send(part, { fin: index === parts.length - 1 }))
    const got = await next(socket)
    assert.deepEqual(Buffer.from(got.data), Buffer.concat(parts))
    socket.close()
    return 'a message in 3 fragments arrived whole'
  },
  async many() {
    const { socket } = await presigned(sessionId())
    const count = 10_000
    const received = []
    const done = new Promise((resolve, reject) => {
      socket.on('message', (message) => {
        received.push(message.toString())
        if (received.length === count) resolve()
      })
      socket.once('close', (code) => reject(new Error(`closed ${code} after ${received.length} messages`)))
    })
    const started = Date.now()
    for (let index = 0; index < count; index++) {
      socket.send(`m${index}`)
    }
    await done
    received.forEach((message, index) => assert.equal(message, `m${index}`))
    socket.close()
    return `${count} messages in order, ${Math.round(count / ((Date.now() - started) / 1000))} msg/s`
  },
  async ping() {
    const { socket } = await signed(sessionId())
    const pong = new Promise((resolve) => socket.once('pong', resolve))
    socket.ping('are-you-there')
    assert.equal((await pong).toString(), 'are-you-there')
    socket.close()
    return 'the agent answered a relayed ping'
  },
  async clientClose() {
    const id = sessionId()
    const { socket } = await signed(id)
    await echoes(socket)
    socket.close(4001, 'caller is done')
    const seen = await closed(socket)
    assert.equal(seen.code, 4001)
    let lastClose = null
    for (let attempt = 0; attempt < 50 && !lastClose; attempt++) {
      lastClose = (await invoke(id, { op: 'lastClose' })).lastClose
      if (!lastClose) await sleep(100)
    }
    assert.deepEqual(lastClose, { code: 4001, reason: 'caller is done' })
    return 'the agent saw 4001 "caller is done"'
  },
  async agentClose() {
    const { socket } = await signed(sessionId())
    const seen = closed(socket)
    socket.send('close:4002:agent is done')
    assert.deepEqual(await seen, { code: 4002, reason: 'agent is done' })
    const second = await signed(sessionId())
    const normal = closed(second.socket)
    second.socket.send('close:1000:bye')
    assert.deepEqual(await normal, { code: 1000, reason: 'bye' })
    return 'the caller saw 4002 "agent is done" and 1000 "bye"'
  },
  async agentDies() {
    const { socket } = await signed(sessionId())
    const seen = closed(socket)
    socket.send('exit')
    const { code, reason } = await seen
    assert.ok(code === 1011 || code === 1006, `code ${code}`)
    return `the caller saw ${code} "${reason}"`
  },
  async sharedSession() {
    const id = sessionId()
    const first = await invoke(id, { prompt: 'hello' })
    assert.equal(first.count, 1)
    const { socket } = await signed(id)
    socket.send('count')
    const counted = JSON.parse((await next(socket)).data.toString())
    assert.equal(counted.pid, first.pid)
    assert.equal(counted.count, 2)
    socket.close()
    await closed(socket)
    const third = await invoke(id, { prompt: 'again' })
    assert.equal(third.count, 3)
    return `invocations and the socket reached pid ${first.pid}`
  },
  async badSignature() {
    const { url, headers } = await runtime.generateWsConnection({ runtimeArn: arn, sessionId: sessionId() })
    const tampered = { ...headers, authorization: headers.authorization.replace(/Signature=(.)/, (m, c) => `Signature=${c === 'a' ? 'b' : 'a'}`) }
    const refused = await open(url, tampered).then(() => null, (error) => error)
    assert.equal(refused?.status, 403, String(refused))
    assert.equal(refused.type, 'InvalidSignatureException')
    assert.equal(JSON.parse(refused.body).__type, 'InvalidSignatureException')
    const goodUrl = await presignedUrl(sessionId())
    const badUrl = goodUrl.replace(/X-Amz-Signature=(.)/, (m, c) => `X-Amz-Signature=${c === 'a' ? 'b' : 'a'}`)
    const refusedToo = await open(badUrl).then(() => null, (error) => error)
    assert.equal(refusedToo?.status, 403, String(refusedToo))
    assert.equal(refusedToo.type, 'InvalidSignatureException')
    const unsigned = await open(url.replace(/^http/, 'ws')).then(() => null, (error) => error)
    assert.equal(unsigned?.status, 403, String(unsigned))
    assert.equal(unsigned.type, 'MissingAuthenticationTokenException')
    return '403 InvalidSignatureException (headers and presigned), 403 MissingAuthenticationTokenException'
  },
  // The test server takes messages up to 20,000,000 bytes: two fragments of 12 MB each pass the frame limit, not the
  // message limit.
  async messageLimit() {
    const id = sessionId()
    const { socket } = await signed(id)
    const seen = closed(socket)
    socket.send(randomBytes(12_000_000), { fin: false })
    socket.send(randomBytes(12_000_000), { fin: true })
    const { code } = await seen
    assert.ok(code === 1009 || code === 1006, `code ${code}`)
    let lastClose = null
    for (let attempt = 0; attempt < 50 && !lastClose; attempt++) {
      lastClose = (await invoke(id, { op: 'lastClose' })).lastClose
      if (!lastClose) await sleep(100)
    }
    assert.equal(lastClose?.code, 1009, JSON.stringify(lastClose))
    return `a message of 24 MB in two frames: the caller saw ${code}, the agent 1009 "${lastClose.reason}"`
  },
  async notUpgrade() {
    const { url, headers } = await runtime.generateWsConnection({ runtimeArn: arn, sessionId: sessionId() })
    const plain = Object.fromEntries(Object.entries(headers)
      .filter(([name]) => !/^(connection|upgrade|sec-websocket-.*)$/i.test(name)))
    const answer = await new Promise((resolve, reject) => {
      http.get(url, { headers: plain }, (response) => {
        let body = ''
        response.on('data', (chunk) => (body += chunk))
        response.on('end', () => resolve({ status: response.statusCode, type: response.headers['x-amzn-errortype'], body }))
      }).on('error', reject)
    })
    assert.equal(answer.status, 400, answer.body)
    assert.equal(answer.type, 'ValidationException')
    return JSON.parse(answer.body).message
  },
  async expired() {
    const url = await presignedUrl(sessionId(), 1)
    await sleep(2_100)
    const refused = await open(url).then(() => null, (error) => error)
    assert.equal(refused?.status, 403, String(refused))
    assert.equal(refused.type, 'InvalidSignatureException')
    assert.match(JSON.parse(refused.body).message, /expired/i)
    return JSON.parse(refused.body).message
  },
  // Hearth refuses the frame as soon as its header names its length; a client still writing the frame's bytes then
  // may see its connection reset (1006) rather than the 1009 close. The agent's side always closes with 1009.
  async frameLimit() {
    const id = sessionId()
    const { socket } = await signed(id)
    const seen = closed(socket)
    socket.send(randomBytes((16 << 20) + 1))
    const { code } = await seen
    assert.ok(code === 1009 || code === 1006, `code ${code}`)
    let lastClose = null
    for (let attempt = 0; attempt < 50 && !lastClose; attempt++) {
      lastClose = (await invoke(id, { op: 'lastClose' })).lastClose
      if (!lastClose) await sleep(100)
    }
    assert.equal(lastClose?.code, 1009, JSON.stringify(lastClose))
    return `a frame of 16 MiB + 1 byte: the caller saw ${code}, the agent 1009 "${lastClose.reason}"`
  },
  async stopped() {
    const id = sessionId()
    const { socket } = await signed(id)
    await echoes(socket)
    const seen = closed(socket)
    await data.send(new StopRuntimeSessionCommand({ agentRuntimeArn: arn, runtimeSessionId: id }))
    assert.deepEqual(await seen, { code: 1001, reason: 'session stopped' })
    return 'StopRuntimeSession closed the socket with 1001 "session stopped"'
  },
  async idle() {
    const { socket } = await signed(sessionId())
    await echoes(socket)
    const started = Date.now()
    const { code } = await closed(socket)
    assert.equal(code, 1001)
    return `an idle socket closed with 1001 after ${Date.now() - started} ms`
  },
  // A runtime with a customJWTAuthorizer (HEARTH_JWT_RUNTIME_ARN) takes the token HEARTH_JWT as a bearer header, or
  // as a subprotocol (the form browsers can send), and nothing else.
  async bearer() {
    const jwtArn = process.env.HEARTH_JWT_RUNTIME_ARN
    const token = process.env.HEARTH_JWT
    const url = `${endpoint.replace(/^http/, 'ws').replace(/\/$/, '')}/runtimes/${encodeURIComponent(jwtArn)}/ws`
    const { socket } = await open(url, { Authorization: `Bearer ${token}`, 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id': sessionId() })
    await echoes(socket)
    socket.send('headers')
    const seen = JSON.parse((await next(socket)).data.toString())
    assert.equal(seen.headers.authorization, `Bearer ${token}`)
    socket.close()
    const protocols = [`base64UrlBearerAuthorization.${Buffer.from(token).toString('base64url')}`, 'base64UrlBearerAuthorization']
    const viaProtocol = await open(url, {}, protocols)
    assert.equal(viaProtocol.socket.protocol, 'base64UrlBearerAuthorization')
    await echoes(viaProtocol.socket)
    viaProtocol.socket.close()
    const missing = await open(url).then(() => null, (error) => error)
    assert.equal(missing?.status, 401, String(missing))
    assert.match(missing.challenge, /^Bearer resource_metadata=/)
    const forged = await open(url, { Authorization: `Bearer ${token.slice(0, -4)}AAAA` }).then(() => null, (error) => error)
    assert.equal(forged?.status, 401, String(forged))
    const { url: signedUrl, headers } = await runtime.generateWsConnection({ runtimeArn: jwtArn, sessionId: sessionId() })
    const sigV4 = await open(signedUrl, headers).then(() => null, (error) => error)
    assert.equal(sigV4?.status, 403, String(sigV4))
    assert.equal(sigV4.type, 'AccessDeniedException')
    return 'bearer header and subprotocol accepted; none or a forged one 401; SigV4 403'
  },
  // An agent without a WebSocket handler (HEARTH_PLAIN_RUNTIME_ARN) answers /ws with 404: the caller gets 424.
  async refused() {
    const { url, headers } = await runtime.generateWsConnection({ runtimeArn: process.env.HEARTH_PLAIN_RUNTIME_ARN, sessionId: sessionId() })
    const refused = await open(url, headers).then(() => null, (error) => error)
    assert.equal(refused?.status, 424, String(refused))
    assert.equal(refused.type, 'RuntimeClientError')
    assert.match(JSON.parse(refused.body).message, /refused the WebSocket upgrade on \/ws: HTTP 404/)
    return JSON.parse(refused.body).message
  },
  // Prints `open <session id>` once the socket works, waits for a line on stdin, then drops the connection without
  // a close, as a crashed client would.
  async drop() {
    const id = sessionId()
    const { socket } = await signed(id)
    await echoes(socket)
    console.log(`open ${id}`)
    await new Promise((resolve) => process.stdin.once('data', resolve))
    socket._socket.destroy()
    return `dropped ${id}`
  },
}

const chosen = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(scenarios).filter((name) => !['drop', 'idle', 'bearer', 'refused'].includes(name))
let passed = 0
for (const name of chosen) {
  try {
    const detail = await scenarios[name]()
    passed++
    console.log(`ok ${name}${detail ? ': ' + detail : ''}`)
  } catch (error) {
    console.log(`FAILED ${name}: ${error.stack || error}`)
    console.log(`ws-client: ${passed} passed, 1 failed`)
    process.exit(1)
  }
}
console.log(`ws-client: ${passed} passed, 0 failed`)
process.exit(0)
