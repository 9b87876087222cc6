// An agent that resolves AWS credentials with the AWS SDK for JavaScript's default provider chain, as an agent on
// AgentCore does, and answers with what it found. Also probes the metadata address by hand, for the IMDSv1 checks.
import http from 'node:http';
import net from 'node:net';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

function probe(method, path, headers) {
  return new Promise((resolve) => {
    const request = http.request({ host: '169.254.169.254', port: 80, method, path, headers, timeout: 3000 }, (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => resolve({ error: String(error.message || error) }));
    request.end();
  });
}

async function handle(payload) {
  switch (payload.action) {
    case 'credentials': {
      const credentials = await fromNodeProviderChain()();
      return {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken || '',
        expiration: credentials.expiration ? credentials.expiration.toISOString() : '',
        via: process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI ? 'container' : 'imds',
      };
    }
    case 'imdsv1':
      return probe('GET', '/latest/meta-data/iam/security-credentials/', {});
    case 'imdsv2': {
      const token = await probe('PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '60' });
      if (token.status !== 200) {
        return token;
      }
      return probe('GET', payload.path, { 'X-aws-ec2-metadata-token': token.body });
    }
    case 'connect':
      return new Promise((resolve) => {
        const socket = net.connect({ host: payload.host, port: payload.port });
        socket.setTimeout(2000, () => { socket.destroy(); resolve({ ok: false, error: 'timeout' }); });
        socket.on('connect', () => { socket.destroy(); resolve({ ok: true }); });
        socket.on('error', (error) => resolve({ ok: false, error: String(error.message || error) }));
      });
    default:
      return { error: 'unknown action ' + payload.action };
  }
}

http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => { body += chunk; });
  request.on('end', async () => {
    let answer;
    if (request.method === 'GET' && request.url === '/ping') {
      answer = { status: 'Healthy' };
    } else {
      try {
        answer = await handle(JSON.parse(body || '{}'));
      } catch (error) {
        answer = { error: String(error && error.message || error) };
      }
    }
    response.setHeader('Content-Type', 'application/json');
    response.end(JSON.stringify(answer));
  });
}).listen(Number(process.env.PORT || 8080), '0.0.0.0');
