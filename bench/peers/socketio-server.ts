// The Socket.IO peer: the chat server most Node developers would write, with Socket.IO 4.8's
// default settings. A client joins a room (acknowledged) and publishes to it; everyone in the room,
// the sender included, receives the message. Nothing is stored. Prints `listening <port>`.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const httpServer = createServer();
const io = new Server(httpServer);

io.on('connection', (socket) => {
  socket.on('join', (room: unknown, ack: unknown) => {
    if (typeof room !== 'string') return;
    void socket.join(room);
    if (typeof ack === 'function') (ack as () => void)();
  });
  socket.on('msg', (room: unknown, body: unknown) => {
    if (typeof room !== 'string' || typeof body !== 'string') return;
    io.to(room).emit('msg', room, body);
  });
});

httpServer.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () => {
  const address = httpServer.address();
  if (address !== null && typeof address === 'object') console.log(`listening ${address.port}`);
});
process.on('SIGTERM', () => {
  void io.close(() => process.exit(0));
});
