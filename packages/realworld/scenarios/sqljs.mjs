/**
 * sql.js (SQLite compiled by emscripten): create a database, insert 20,000
 * rows (REALWORLD_SQL_ROWS: fewer for the --jitless test) in a transaction
 * through a prepared statement, index, query (aggregates, ordering, LIKE, a
 * join, float formatting), export the file.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const TAGS = ['red', 'green', 'blue', 'cyan', 'magenta'];
const ROWS = Number(process.env.REALWORLD_SQL_ROWS ?? 20_000);

export async function run(time) {
  const initSqlJs = require('sql.js');
  const SQL = await time('load', () => initSqlJs());
  const outputs = {};
  await time('work', () => {
    const db = new SQL.Database();
    db.run('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, qty INTEGER, tag TEXT)');
    db.run('BEGIN');
    const insert = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?)');
    for (let i = 0; i < ROWS; i++) {
      insert.run([i, `item-${i}`, ((i * 7919) % 10007) / 100, i % 97, TAGS[i % TAGS.length]]);
    }
    insert.free();
    db.run('COMMIT');
    db.run('CREATE INDEX items_tag ON items(tag)');
    const queries = {
      count: 'SELECT count(*), sum(qty), total(price) FROM items',
      byTag: 'SELECT tag, count(*), avg(price), max(qty), min(name) FROM items GROUP BY tag ORDER BY tag',
      top: 'SELECT id, name, price FROM items ORDER BY price DESC, id LIMIT 10',
      like: "SELECT count(*) FROM items WHERE name LIKE '%99%'",
      join: 'SELECT a.tag, count(*) FROM items a JOIN items b ON a.qty = b.qty AND a.id < b.id WHERE a.id < 500 GROUP BY a.tag',
      floats:
        "SELECT printf('%.6f', sum(price * 1.0001)), round(avg(price) / 3, 9), 2.0 * 1e10 / 3 FROM items",
      strings:
        "SELECT group_concat(upper(substr(name, 6)), ',') FROM (SELECT name FROM items WHERE id % 1000 = 7)",
    };
    for (const [name, sql] of Object.entries(queries))
      outputs[`query ${name}`] = JSON.stringify(db.exec(sql));
    db.run('UPDATE items SET price = price * 2 WHERE tag = ?', ['blue']);
    db.run('DELETE FROM items WHERE id % 3 = 0');
    outputs['query after update'] = JSON.stringify(db.exec('SELECT count(*), total(price) FROM items'));
    db.run('VACUUM');
    outputs['database file'] = db.export();
    db.close();
  });
  return outputs;
}
