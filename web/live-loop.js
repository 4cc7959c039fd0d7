// Frames from a playing video (file, sample clip or camera), tracked one at a time.
//
// Presented frames are counted continuously, so a new frame that arrived while the previous
// one was being tracked is taken at once instead of waiting for the next presentation.
export class LiveLoop {
  #token = 0; // bumps whenever the source changes; stale loops stop

  constructor(video) {
    this.video = video;
  }

  stop() {
    this.#token++;
  }

  // Calls `track(video)` for each new frame while `ready()` holds and the video plays;
  // stops (reporting through `onError`) when tracking fails.
  start(track, { ready, onError }) {
    const token = ++this.#token;
    const video = this.video;
    let presented = 0;
    let wake = null;
    const onFrame = () => {
      if (token !== this.#token) return;
      presented++;
      wake?.();
      wake = null;
      if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(onFrame);
      else requestAnimationFrame(onFrame);
    };
    onFrame();
    (async () => {
      let taken = 0;
      while (token === this.#token) {
        if (presented === taken) await new Promise((resolve) => (wake = resolve));
        if (token !== this.#token) return;
        taken = presented;
        if (!ready() || video.readyState < 2 || video.paused) continue;
        try {
          await track(video);
        } catch (error) {
          onError(error);
          return;
        }
      }
    })();
  }
}
