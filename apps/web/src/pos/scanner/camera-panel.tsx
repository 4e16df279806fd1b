// The camera scanner on the selling screen: a live preview beside the catalog; each barcode it
// reads goes through the same scan action as the keyboard-wedge scanner.
import { useEffect, useRef, useState } from 'react';
import { CameraError, startCamera } from './camera';

export function CameraPanel({ onCode, onClose }: { onCode: (code: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const latest = useRef(onCode);
  latest.current = onCode;
  const [status, setStatus] = useState<{ kind: 'starting' | 'scanning' } | { kind: 'error'; text: string }>({ kind: 'starting' });

  useEffect(() => {
    let gone = false;
    let stop: (() => void) | null = null;
    startCamera(video.current!, (code) => latest.current(code)).then(
      (s) => {
        if (gone) s();
        else {
          stop = s;
          setStatus({ kind: 'scanning' });
        }
      },
      (err: unknown) => {
        if (!gone) setStatus({ kind: 'error', text: err instanceof CameraError ? err.message : `The camera could not be started: ${String(err)}` });
      },
    );
    return () => {
      gone = true;
      stop?.();
    };
  }, []);

  return (
    <section className="till-camera" aria-label="Camera scanner">
      <video ref={video} className="till-camera__video" muted playsInline aria-label="Camera preview" hidden={status.kind === 'error'} />
      {status.kind === 'error' ? (
        <p className="alert alert--error" role="alert">
          {status.text}
        </p>
      ) : (
        <p className="till-camera__hint" role="status">
          {status.kind === 'starting' ? 'Starting the camera…' : 'Hold a barcode in front of the camera. Show an item again to add another.'}
        </p>
      )}
      <button type="button" className="button button--secondary" onClick={onClose}>
        Stop camera
      </button>
    </section>
  );
}
