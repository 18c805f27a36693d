// The door to the draft preview: a rep sees what the customer will read before sending.
export { createDraftPreviewService, type DraftPreview, type DraftPreviewService, type PreviewText } from './draft-preview.service.js';
export { draftPreviewRoutes, previewsPerMinute, type DraftPreviewRoutesOptions } from './draft-preview.routes.js';
