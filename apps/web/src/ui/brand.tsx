export function Brand({ compact = false }: { compact?: boolean }) {
  return (
    <span className={compact ? 'brand brand--compact' : 'brand'}>
      <img src="/icon.svg" alt="" width={compact ? 28 : 40} height={compact ? 28 : 40} />
      <span className="brand__name">NovaPOS</span>
    </span>
  );
}
