// Downloads with byte progress, and the error that names what failed to load.

export class LoadError extends Error {}

// Fetches a file, counting its bytes with `progress` (see PoseLandmarker.create's `progress`
// option: track(url, response) returns a Response whose reading is counted); rejects with a
// LoadError naming the file.
export async function fetchBytes(url, progress, what) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new LoadError(`${what} failed to load: ${url} (${error.message})`);
  }
  if (!response.ok) throw new LoadError(`${what} failed to load: ${url} (HTTP ${response.status})`);
  const tracked = progress?.track ? progress.track(url, response) : response;
  return new Uint8Array(await tracked.arrayBuffer());
}
