import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { startCameraScanner, type CameraScan } from '../scanning/cameraScanner';

/** A live camera preview that reports the first barcode it reads, then closes. */
export function CameraPanel({ onScan, onClose }: { onScan: (scan: CameraScan) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!video.current) return;
    return startCameraScanner(
      video.current,
      (scan) => {
        onScan(scan);
        onClose();
      },
      setError,
    );
  }, [onScan, onClose]);
  return (
    <section className="camera" aria-label={t('camera.title')}>
      <video ref={video} muted playsInline aria-label={t('camera.preview')} />
      {error ? (
        <p role="alert" className="warn">
          {t('camera.failed', { message: error })}
        </p>
      ) : (
        <p>{t('camera.hint')}</p>
      )}
      <button type="button" className="secondary" onClick={onClose}>
        {t('camera.close')}
      </button>
    </section>
  );
}
