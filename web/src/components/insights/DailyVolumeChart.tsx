// Daily volume as vertical bars (plain SVG), one per UTC day of the period, days without payments
// included. Each bar has a tooltip title; the chart as a whole a title and a text description.
import { theme } from "antd";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { DailyVolume } from "../../api/types";
import { formatUtcDate } from "../formatDateTime";
import { formatCompact, formatMoney } from "../formatMoney";

const WIDTH = 640;
const HEIGHT = 220;
const LEFT = 56;
const BOTTOM = 24;
const TOP = 8;
const DAY = 24 * 3600 * 1000;

interface Day {
  day: string;
  volume: number;
  volumeText: string;
  count: number;
}

/** Every UTC day from `from` to `to`, with the reported figures or zeros. */
function everyDay(daily: DailyVolume[], from: string, to: string): Day[] {
  const byDay = new Map(daily.map((entry) => [new Date(entry.day).toISOString().slice(0, 10), entry]));
  const first = Math.floor(Date.parse(from) / DAY) * DAY;
  const last = Date.parse(to);
  const days: Day[] = [];
  for (let time = first; time < last && days.length < 400; time += DAY) {
    const iso = new Date(time).toISOString();
    const entry = byDay.get(iso.slice(0, 10));
    days.push({
      day: iso,
      volume: entry === undefined ? 0 : Number(entry.volume) || 0,
      volumeText: entry?.volume ?? "0",
      count: entry?.count ?? 0,
    });
  }
  return days;
}

/** The smallest of 1, 2, 5 × 10ⁿ at or above `value`. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= value) ?? 10;
  return step * power;
}

export function DailyVolumeChart({
  daily,
  from,
  to,
  currency,
}: {
  daily: DailyVolume[];
  from: string;
  to: string;
  currency: string;
}) {
  const { t } = useTranslation("insights");
  const { token } = theme.useToken();
  const titleId = useId();
  const descriptionId = useId();
  const days = everyDay(daily, from, to);
  const ceiling = niceCeiling(Math.max(0, ...days.map((day) => day.volume)));
  const plotWidth = WIDTH - LEFT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(1, slot * 0.7);
  const busiest = days.reduce<Day | null>(
    (best, day) => (best === null || day.volume > best.volume ? day : best),
    null,
  );
  const firstDay = days[0];
  const lastDay = days[days.length - 1];
  const description =
    firstDay === undefined || lastDay === undefined || busiest === null
      ? t("noDays")
      : `${t("dailyDescription", {
          currency,
          first: formatUtcDate(firstDay.day),
          last: formatUtcDate(lastDay.day),
          days: days.length,
        })} ${
          busiest.volume === 0
            ? t("noVolume")
            : t("highestOn", {
                day: formatUtcDate(busiest.day),
                amount: formatMoney(busiest.volumeText, currency),
                count: busiest.count,
              })
        }`;
  const labelled = new Set([0, Math.floor((days.length - 1) / 2), days.length - 1]);

  return (
    <svg
      role="img"
      aria-labelledby={`${titleId} ${descriptionId}`}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      // Never drawn larger than its natural size, so its text stays the size of the page's.
      style={{ width: "100%", maxWidth: WIDTH, height: "auto", display: "block" }}
    >
      <title id={titleId}>{t("dailyVolume")}</title>
      <desc id={descriptionId}>{description}</desc>
      {[0, 0.5, 1].map((fraction) => {
        const y = TOP + plotHeight * (1 - fraction);
        return (
          <g key={fraction}>
            <line x1={LEFT} x2={WIDTH} y1={y} y2={y} stroke={token.colorSplit} />
            <text
              x={LEFT - 6}
              y={y}
              textAnchor="end"
              dominantBaseline="central"
              fontSize={11}
              fill={token.colorTextSecondary}
            >
              {formatCompact(ceiling * fraction)}
            </text>
          </g>
        );
      })}
      {days.map((day, index) => {
        const barHeight = (day.volume / ceiling) * plotHeight;
        const x = LEFT + index * slot + (slot - barWidth) / 2;
        return (
          <g key={day.day}>
            <rect
              x={x}
              y={TOP + plotHeight - barHeight}
              width={barWidth}
              height={barHeight}
              fill={token.colorPrimary}
            >
              <title>
                {t("barTitle", {
                  day: formatUtcDate(day.day),
                  amount: formatMoney(day.volumeText, currency),
                  count: day.count,
                })}
              </title>
            </rect>
            {labelled.has(index) && (
              <text
                x={x + barWidth / 2}
                y={HEIGHT - 6}
                textAnchor={index === 0 ? "start" : index === days.length - 1 ? "end" : "middle"}
                fontSize={11}
                fill={token.colorTextSecondary}
              >
                {formatUtcDate(day.day)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
