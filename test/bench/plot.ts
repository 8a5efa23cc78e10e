/**
 * An SVG line plot of time against corpus size for BENCHMARKS.md: log-scale axes, one line per measure.
 * No dependencies; the SVG is plain enough for GitHub and rsvg-convert to render.
 */
import { writeFileSync } from 'node:fs';
import type { SizeResult } from './run-bench';

interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  points: { x: number; y: number }[];
}

const width = 820;
const height = 500;
const margin = { left: 80, right: 250, top: 50, bottom: 60 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatMs(ms: number): string {
  if (ms >= 1000) return `${ms / 1000} s`;
  if (ms >= 1) return `${ms} ms`;
  return `${ms} ms`;
}

export function writePlot(results: SizeResult[], file: string): void {
  const series: Series[] = [
    { label: 'Cold index (load + first search)', color: '#d62728', points: [] },
    { label: 'Warm start (to first search)', color: '#ff7f0e', points: [] },
    { label: 'Full check (median re-check)', color: '#1f77b4', points: [] },
    { label: 'Full check (first)', color: '#1f77b4', dashed: true, points: [] },
    { label: 'Search p95 (ours)', color: '#2ca02c', points: [] },
    { label: 'Search p95 (rg baseline)', color: '#2ca02c', dashed: true, points: [] },
    { label: 'Completion p95 (with items)', color: '#9467bd', points: [] },
    { label: 'Hover p95', color: '#8c564b', points: [] },
  ];
  for (const entry of results) {
    const child = entry.child;
    const x = entry.size;
    const add = (index: number, y: number | undefined) => {
      if (y !== undefined && y > 0 && Number.isFinite(y)) series[index].points.push({ x, y });
    };
    add(0, entry.coldIndexMs ?? (child?.load && child.searchIndex ? child.load.ms + child.searchIndex.ms : undefined));
    add(1, entry.warm?.searchReadyMs ?? entry.warm?.ms);
    add(2, child?.check?.p50);
    add(3, child?.firstCheck?.ms);
    add(4, child?.search?.latency.p95);
    add(5, entry.rg?.latency.p95);
    add(6, child?.completion?.full.p95);
    add(7, child?.hover?.p95);
  }
  const all = series.flatMap((line) => line.points);
  const xs = results.map((entry) => entry.size);
  const xMin = Math.min(...xs, 100);
  const xMax = Math.max(...xs, 1000);
  const yMin = Math.pow(10, Math.floor(Math.log10(Math.min(...all.map((point) => point.y), 1))));
  const yMax = Math.pow(10, Math.ceil(Math.log10(Math.max(...all.map((point) => point.y), 1000))));
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const xLog = (value: number) => margin.left + ((Math.log10(value) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin) || 1)) * plotWidth;
  const yLog = (value: number) => margin.top + plotHeight - ((Math.log10(value) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin) || 1)) * plotHeight;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${margin.left}" y="28" font-size="16" font-weight="bold">Citewise: time against corpus size (log–log)</text>`);
  // Grid and axes.
  for (let exponent = Math.log10(yMin); exponent <= Math.log10(yMax); exponent++) {
    const value = Math.pow(10, exponent);
    const y = yLog(value);
    parts.push(`<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotWidth}" y2="${y}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${margin.left - 8}" y="${y + 4}" text-anchor="end">${escapeXml(formatMs(Number(value.toPrecision(3))))}</text>`);
  }
  for (const size of xs) {
    const x = xLog(size);
    parts.push(`<line x1="${x}" y1="${margin.top}" x2="${x}" y2="${margin.top + plotHeight}" stroke="#e0e0e0"/>`);
    const megabytes = results.find((entry) => entry.size === size)!.corpus.bytes / 1e6;
    parts.push(`<text x="${x}" y="${margin.top + plotHeight + 18}" text-anchor="middle">${size.toLocaleString('en')}</text>`);
    parts.push(`<text x="${x}" y="${margin.top + plotHeight + 32}" text-anchor="middle" fill="#666">${megabytes >= 100 ? megabytes.toFixed(0) : megabytes.toFixed(1)} MB</text>`);
  }
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${margin.left + plotWidth / 2}" y="${height - 10}" text-anchor="middle">sources in the corpus (log scale)</text>`);
  parts.push(`<text transform="translate(18 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">time (log scale)</text>`);
  // Lines.
  for (const line of series) {
    if (!line.points.length) continue;
    const path = line.points.map((point, index) => `${index ? 'L' : 'M'}${xLog(point.x).toFixed(1)},${yLog(point.y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${line.color}" stroke-width="2.2"${line.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const point of line.points) parts.push(`<circle cx="${xLog(point.x).toFixed(1)}" cy="${yLog(point.y).toFixed(1)}" r="3.5" fill="${line.dashed ? '#fff' : line.color}" stroke="${line.color}" stroke-width="1.5"/>`);
  }
  // Legend.
  const legendX = margin.left + plotWidth + 18;
  let legendY = margin.top + 10;
  for (const line of series) {
    parts.push(`<line x1="${legendX}" y1="${legendY}" x2="${legendX + 26}" y2="${legendY}" stroke="${line.color}" stroke-width="2.2"${line.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${legendX + 32}" y="${legendY + 4}">${escapeXml(line.label)}${line.points.length ? '' : ' (no data)'}</text>`);
    legendY += 22;
  }
  parts.push(`<text x="${legendX}" y="${legendY + 4}" fill="#666">Dashed: first check; rg baseline.</text>`);
  parts.push(`<text x="${legendX}" y="${legendY + 20}" fill="#666">Targets at 10k: cold ≤ 20 s (50 MB/s),</text>`);
  parts.push(`<text x="${legendX}" y="${legendY + 36}" fill="#666">warm ≤ 1 s, check ≤ 300 ms,</text>`);
  parts.push(`<text x="${legendX}" y="${legendY + 52}" fill="#666">search p95 ≤ 20 ms, completion</text>`);
  parts.push(`<text x="${legendX}" y="${legendY + 68}" fill="#666">and hover p95 ≤ 10 ms.</text>`);
  parts.push('</svg>');
  writeFileSync(file, `${parts.join('\n')}\n`);
}
