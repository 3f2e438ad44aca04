/**
 * The reference lab's Athena queries, as presets in the SQL console. They read the lake's views
 * (playlog, userprofile, gamelog), which exist once data is imported.
 */
export const PRESET_QUERIES: { name: string; sql: string }[] = [
  {
    name: 'Class popularity',
    sql: `SELECT uclass, COUNT(DISTINCT pidx) AS players\nFROM gamelog\nGROUP BY uclass\nORDER BY players DESC;`,
  },
  {
    name: 'Highest-level players',
    sql: `SELECT pidx, uclass, ulevel, utimestamp\nFROM userprofile\nORDER BY ulevel DESC, pidx\nLIMIT 20;`,
  },
  {
    name: 'Hot-zone count (x 300–500, y 400–700)',
    sql: `SELECT COUNT(*) AS events, COUNT(DISTINCT pidx) AS players\nFROM playlog\nWHERE posnewx BETWEEN 300 AND 500 AND posnewy BETWEEN 400 AND 700;`,
  },
  {
    name: 'Red-zone finder (x 1000–1200, y 0–400)',
    sql: `SELECT pidx, COUNT(*) AS events_in_zone, MIN(createdate) AS first_seen, MAX(createdate) AS last_seen\nFROM playlog\nWHERE posnewx BETWEEN 1000 AND 1200 AND posnewy BETWEEN 0 AND 400\nGROUP BY pidx\nORDER BY events_in_zone DESC;`,
  },
];
