// Initials on a colour picked from the name, so a face-less list of staff is quick to scan.
const COLOURS = ['#0f5c4d', '#1f5f99', '#8a3b8f', '#a34a12', '#2f6b2a', '#7a3e4f'] as const;

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('');
}

export function avatarColour(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return COLOURS[h % COLOURS.length]!;
}

export function Avatar({ name, className = 'avatar' }: { name: string; className?: string }) {
  return (
    <span className={className} style={{ backgroundColor: avatarColour(name) }} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
