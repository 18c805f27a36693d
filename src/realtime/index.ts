// The door to the realtime feature (Socket.IO for the built-in transport and the dashboard).
export { attachRealtime, conversationRoom, dashboardRoom, isSameOrigin, type RealtimeDeps } from './realtime-server.js';
export * from './protocol.js';
