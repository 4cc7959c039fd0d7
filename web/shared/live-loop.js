// Frames from a playing video (file, sample clip or camera), tracked one at a time.
//
// Presented frames are counted continuously, so a new frame that arrived while the previous
// one was being tracked is taken at once instead of waiting for the next presentation; frames
// that arrived meanwhile are skipped, never queued. While the page is hidden no frame is
// taken; when it is shown again `onResume` runs first (the owner forgets the old pose) and
// tracking goes on from the next frame presented after that, so neither a backlog nor a pose
// from before is shown.
import { SourceError, videoErrorMessage } from "./sources.js";

const hidden = () => document.visibilityState === "hidden";
// Failures in a row before the loop gives up (one bad frame does not stop tracking).
const MAX_FAILURES = 5;

export class LiveLoop {
  #token = 0; // bumps whenever the source changes; stale loops stop
  #detach = null; // removes the current loop's listeners

  constructor(video) {
    this.video = video;
  }

  stop() {
    this.#token++;
    this.#detach?.();
    this.#detach = null;
  }

  // Calls `track(video)` for each new frame while `ready()` holds, the video plays and the
  // page is visible; reports failures through `onError` (stopping after MAX_FAILURES in a
  // row, or when the video itself fails); awaits `onResume()` when the page is shown again.
  start(track, { ready, onError, onResume = () => {} }) {
    this.stop();
    const token = ++this.#token;
    const video = this.video;
    let presented = 0;
    let wake = null;
    let wasHidden = hidden();
    let resumed = false;
    let failed = null; // the video's own error
    const wakeUp = () => {
      wake?.();
      wake = null;
    };
    const onFrame = () => {
      if (token !== this.#token) return;
      presented++;
      wakeUp();
      if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(onFrame);
      else requestAnimationFrame(onFrame);
    };
    const onVisibility = () => {
      if (hidden()) wasHidden = true;
      else if (wasHidden) {
        wasHidden = false;
        resumed = true;
        wakeUp();
      }
    };
    const onVideoError = () => {
      failed = new SourceError(videoErrorMessage(video, video.dataset.sourceName));
      wakeUp();
    };
    document.addEventListener("visibilitychange", onVisibility);
    video.addEventListener("error", onVideoError);
    this.#detach = () => {
      document.removeEventListener("visibilitychange", onVisibility);
      video.removeEventListener("error", onVideoError);
      wakeUp();
    };
    onFrame();
    (async () => {
      let taken = 0;
      let failures = 0;
      while (token === this.#token) {
        if (presented === taken && !resumed && !failed)
          await new Promise((resolve) => (wake = resolve));
        if (token !== this.#token) return;
        if (failed) {
          this.stop();
          onError(failed);
          return;
        }
        if (resumed) {
          resumed = false;
          await onResume();
          taken = presented; // the next frame presented from now on
          continue;
        }
        taken = presented;
        if (hidden() || !ready() || video.readyState < 2 || video.paused) continue;
        try {
          await track(video);
          failures = 0;
        } catch (error) {
          if (token !== this.#token) return;
          onError(error);
          if (++failures >= MAX_FAILURES) {
            this.stop();
            return;
          }
        }
      }
    })();
  }
}
