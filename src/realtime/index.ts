// The door to the realtime feature (Socket.IO for the built-in transport and the dashboard).
export { attachRealtime, conversationRoom, dashboardRoom, isSameOrigin, userRoom, type RealtimeDeps } from './realtime-server.js';
export { defaultGuardSettings, type RateLimit, type SocketAccess, type SocketGuardSettings } from './socket-guards.js';
export { createRedisAdapter, type RealtimeAdapter } from './redis-adapter.js';
