// fetch with each request SigV4-signed the way the AWS SDKs sign theirs (service bedrock-agentcore), for the
// protocol clients (MCP, A2A, AG-UI) that know nothing of AWS: each takes a custom fetch, and this is it.
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), as for the SDKs.
import { createHash, createHmac } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'

/** SHA-256 and HMAC-SHA256 in the shape the SDK's signer takes. */
export class Sha256 {
  constructor(secret) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256')
  }
  update(bytes) {
    this.hash.update(bytes)
  }
  async digest() {
    return new Uint8Array(this.hash.digest())
  }
}

export function requireCredentials(script) {
  if (!process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY) {
    console.error(`${script}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to an access key of the server`)
    process.exit(2)
  }
}

export const signer = new SignatureV4({
  credentials: {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
    sessionToken: process.env.AWS_SESSION_TOKEN,
  },
  region: 'us-east-1',
  service: 'bedrock-agentcore',
  sha256: Sha256,
})

/**
 * A fetch that signs every request, adding `extraHeaders` (a session id, say) before signing. The path is signed as
 * the SDKs sign it: each segment encoded once more, so an ARN's %3A is signed as %253A.
 */
export function signedFetch(extraHeaders = {}) {
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const headers = { ...extraHeaders }
    new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((value, name) => {
      headers[name] = value
    })
    headers.host = url.host
    const query = {}
    url.searchParams.forEach((value, name) => {
      query[name] = value
    })
    const method = init.method ?? (input instanceof Request ? input.method : 'GET')
    const body = init.body ?? (input instanceof Request && method !== 'GET' ? await input.text() : undefined)
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers,
      body,
    })
    delete signed.headers.host // fetch sets it, from the URL
    return fetch(url, { ...init, method, body, headers: signed.headers })
  }
}

/** A runtime's invocation URL, as a protocol client is given it. */
export const invocationUrl = (endpoint, arn, qualifier = 'DEFAULT') =>
  new URL(`/runtimes/${encodeURIComponent(arn)}/invocations?qualifier=${qualifier}`, endpoint)
