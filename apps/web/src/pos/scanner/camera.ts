// Barcode scanning with the device's camera: the browser's own BarcodeDetector where it has one
// (Chrome on Android and macOS), else the barcode-detector ponyfill (ZXing-C++ in WebAssembly),
// loaded only when a cashier turns the camera on. The .wasm is served by NovaPOS itself, never
// a CDN, and cached by the service worker once used, so the camera keeps working offline.

/** Retail and common in-store symbologies; QR codes are not item barcodes. */
export const CAMERA_FORMATS = ['ean_13', 'ean_8', 'upc_a', 'upc_e', 'code_128', 'code_39', 'itf'] as const;

type Detector = { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> };
type DetectorClass = { new (o: { formats: string[] }): Detector; getSupportedFormats(): Promise<string[]> };

let shared: Promise<Detector> | null = null;

async function loadDetector(): Promise<Detector> {
  const native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (native) {
    const supported = await native.getSupportedFormats().catch(() => [] as string[]);
    const formats = CAMERA_FORMATS.filter((f) => supported.includes(f));
    if (formats.length) return new native({ formats });
  }
  const [{ BarcodeDetector, prepareZXingModule }, { default: wasmUrl }] = await Promise.all([
    import('barcode-detector/ponyfill'),
    import('zxing-wasm/reader/zxing_reader.wasm?url'),
  ]);
  prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) }, fireImmediately: true });
  return new BarcodeDetector({ formats: [...CAMERA_FORMATS] });
}

/** Why the camera could not start, in words a cashier can act on. */
export class CameraError extends Error {}

function explain(err: unknown): CameraError {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return new CameraError('Camera access was refused. Allow the camera for this site in the browser’s settings, then turn it on again.');
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return new CameraError('No camera was found on this device.');
  if (name === 'NotReadableError' || name === 'AbortError') return new CameraError('The camera is in use by another app, or could not be started.');
  return new CameraError(`The camera could not be started: ${err instanceof Error ? err.message : String(err)}`);
}

/** The same code is taken again only after it has been out of sight this long. */
export const SAME_CODE_GAP_MS = 1200;

/**
 * Starts the camera into `video` and calls `onCode` with each barcode it reads: one call per item
 * shown (an item held in front of the camera counts once; take it away and show it again to add
 * another). Resolves with a function that stops the camera.
 */
export async function startCamera(video: HTMLVideoElement, onCode: (code: string) => void): Promise<() => void> {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('The camera needs a secure connection: open NovaPOS over https (or on this computer as localhost).');
  }
  const detecting = (shared ??= loadDetector().catch((err: unknown) => {
    shared = null;
    throw err;
  }));
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
  } catch (err) {
    throw explain(err);
  }
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    for (const t of stream.getTracks()) t.stop();
    video.srcObject = null;
  };
  try {
    video.srcObject = stream;
    video.muted = true;
    video.playsInline = true;
    await video.play();
    const detector = await detecting;
    let last = { code: '', at: 0 };
    const tick = async () => {
      if (stopped) return;
      if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) {
        const found = await detector.detect(video).catch(() => []);
        const now = performance.now();
        const code = found.map((b) => b.rawValue.trim()).find(Boolean);
        if (code && !stopped) {
          const again = code === last.code && now - last.at < SAME_CODE_GAP_MS;
          last = { code, at: now };
          if (!again) onCode(code);
        }
      }
      if (!stopped) timer = setTimeout(() => void tick(), 80);
    };
    void tick();
  } catch (err) {
    stop();
    throw err instanceof CameraError ? err : explain(err);
  }
  return stop;
}
