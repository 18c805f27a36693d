// The page events a pending read mark must not outlive (kept apart from read-marks.ts, which
// has no DOM and is tested as is).
import type { ReadMarks } from './read-marks.js';

/**
 * Flushes when the page is hidden or left. Capturing, so it runs before the page's own
 * `pagehide` listener closes the connection. Answers how to stop listening.
 */
export function flushWhenPageHides(marks: ReadMarks): () => void {
  const onVisibility = () => document.visibilityState === 'hidden' && marks.flush();
  const onHide = () => marks.flush();
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', onHide, { capture: true });
  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', onHide, { capture: true });
  };
}
