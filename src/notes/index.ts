// The door to private notes: reps' notes in a conversation, through the one message pipeline
// (stored, translated for reps, never delivered to the customer: see message-pipeline.ts).
export { notesRoutes } from './notes.routes.js';
