// A tiny DNS server for the test world (run inside its namespace): answers A queries for the names given as
// name=address arguments, NXDOMAIN for anything else. The private Tor network's exits resolve through it, so
// a name a portal on star looks up can only have been resolved inside Tor.
//   node dns-server.mjs <listen-address> <port> outside.test=198.51.100.7 …
import dgram from 'node:dgram';

const [address, port, ...entries] = process.argv.slice(2);
const names = new Map(entries.map((entry) => entry.split('=')));

function questionName(message) {
  const labels = [];
  let at = 12;
  while (message[at] !== 0 && at < message.length) {
    labels.push(message.subarray(at + 1, at + 1 + message[at]).toString('ascii'));
    at += message[at] + 1;
  }
  return { name: labels.join('.').toLowerCase(), end: at + 5 };
}

const server = dgram.createSocket('udp4');
server.on('message', (message, peer) => {
  if (message.length < 17) return;
  const { name, end } = questionName(message);
  const type = message.readUInt16BE(end - 4);
  const answer = names.get(name);
  const header = Buffer.from(message.subarray(0, 12));
  header.writeUInt16BE(0x8180 | (answer ? 0 : 3), 2); // response, recursion available, NXDOMAIN if unknown
  header.writeUInt16BE(answer && type === 1 ? 1 : 0, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(0, 10);
  const parts = [header, message.subarray(12, end)];
  if (answer && type === 1) {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0);
    record.writeUInt16BE(1, 2);
    record.writeUInt16BE(1, 4);
    record.writeUInt32BE(60, 6);
    record.writeUInt16BE(4, 10);
    for (const [i, octet] of answer.split('.').entries()) record.writeUInt8(Number(octet), 12 + i);
    parts.push(record);
  }
  server.send(Buffer.concat(parts), peer.port, peer.address);
});
server.bind(Number(port), address);
