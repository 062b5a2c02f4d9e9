// Drives Mortar with the AWS SDK for JavaScript v3 (@aws-sdk/client-glue),
// using node's built-in test runner. Run by tests/test_js_sdk.py with:
//   MORTAR_ENDPOINT=http://127.0.0.1:PORT AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=...
//   AWS_REGION=us-east-1 node --test glue_sdk_test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  GlueClient,
  CreateDatabaseCommand,
  GetDatabaseCommand,
  DeleteDatabaseCommand,
  CreateTableCommand,
  GetTableCommand,
  UpdateTableCommand,
  BatchCreatePartitionCommand,
  GetPartitionsCommand,
  ListMLTransformsCommand,
  paginateGetTables,
  paginateGetPartitions,
} from "@aws-sdk/client-glue";

const endpoint = process.env.MORTAR_ENDPOINT;
if (!endpoint) throw new Error("set MORTAR_ENDPOINT");

const glue = new GlueClient({
  endpoint,
  region: process.env.AWS_REGION || "us-east-1",
  credentials: {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID,
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
  },
  maxAttempts: 1,
});

const db = `js_${Math.random().toString(16).slice(2, 12)}`;

function tableInput(name, description) {
  return {
    Name: name,
    Description: description,
    TableType: "EXTERNAL_TABLE",
    StorageDescriptor: {
      Columns: [{ Name: "id", Type: "bigint" }, { Name: "v", Type: "string" }],
      Location: `file:///data/${name}`,
    },
    PartitionKeys: [{ Name: "day", Type: "int" }],
    Parameters: { classification: "json" },
  };
}

async function errorName(promise) {
  try {
    await promise;
  } catch (err) {
    return err.name;
  }
  return "no error";
}

before(async () => {
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: db, Description: "js" } }));
});

after(async () => {
  await glue.send(new DeleteDatabaseCommand({ Name: db }));
});

test("create and get a database; timestamps parse as Dates", async () => {
  const { Database } = await glue.send(new GetDatabaseCommand({ Name: db }));
  assert.equal(Database.Name, db);
  assert.equal(Database.Description, "js");
  assert.ok(Database.CreateTime instanceof Date);
  assert.ok(Math.abs(Date.now() - Database.CreateTime.getTime()) < 300_000);
});

test("create, get and update a table with VersionId", async () => {
  await glue.send(new CreateTableCommand({ DatabaseName: db, TableInput: tableInput("t1", "one") }));
  const { Table } = await glue.send(new GetTableCommand({ DatabaseName: db, Name: "t1" }));
  assert.equal(Table.Description, "one");
  assert.deepEqual(Table.PartitionKeys, [{ Name: "day", Type: "int" }]);
  assert.ok(Table.CreateTime instanceof Date);
  const base = Table.VersionId;
  assert.ok(base);
  await glue.send(new UpdateTableCommand({
    DatabaseName: db, TableInput: tableInput("t1", "two"), VersionId: base,
  }));
  const after = await glue.send(new GetTableCommand({ DatabaseName: db, Name: "t1" }));
  assert.equal(after.Table.Description, "two");
  assert.equal(
    await errorName(glue.send(new UpdateTableCommand({
      DatabaseName: db, TableInput: tableInput("t1", "stale"), VersionId: base,
    }))),
    "ConcurrentModificationException");
});

test("paginate tables", async () => {
  const names = [];
  for (let i = 0; i < 45; i++) names.push(`p${String(i).padStart(2, "0")}`);
  for (const n of names) {
    await glue.send(new CreateTableCommand({ DatabaseName: db, TableInput: tableInput(n, n) }));
  }
  const seen = [];
  let pages = 0;
  for await (const page of paginateGetTables({ client: glue, pageSize: 10 },
                                             { DatabaseName: db, Expression: "p.*" })) {
    pages++;
    for (const t of page.TableList) seen.push(t.Name);
  }
  assert.ok(pages >= 5, `only ${pages} pages`);
  assert.deepEqual([...seen].sort(), names);
});

test("partitions: batch create, filter, paginate", async () => {
  await glue.send(new CreateTableCommand({ DatabaseName: db, TableInput: tableInput("parts", "") }));
  const inputs = [];
  for (let d = 1; d <= 60; d++) {
    inputs.push({ Values: [String(d)], StorageDescriptor: { Location: `file:///data/parts/day=${d}` } });
  }
  const res = await glue.send(new BatchCreatePartitionCommand({
    DatabaseName: db, TableName: "parts", PartitionInputList: inputs,
  }));
  assert.equal((res.Errors || []).length, 0);
  const filtered = await glue.send(new GetPartitionsCommand({
    DatabaseName: db, TableName: "parts", Expression: "day BETWEEN 10 AND 14",
  }));
  assert.deepEqual(filtered.Partitions.map((p) => Number(p.Values[0])).sort((a, b) => a - b),
                   [10, 11, 12, 13, 14]);
  const all = [];
  for await (const page of paginateGetPartitions({ client: glue, pageSize: 7 },
                                                 { DatabaseName: db, TableName: "parts" })) {
    for (const p of page.Partitions) all.push(Number(p.Values[0]));
  }
  assert.equal(all.length, 60);
  assert.equal(new Set(all).size, 60);
});

test("errors carry Glue's exception names", async () => {
  assert.equal(await errorName(glue.send(new GetTableCommand({ DatabaseName: db, Name: "nope" }))),
               "EntityNotFoundException");
  assert.equal(await errorName(glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: db } }))),
               "AlreadyExistsException");
  assert.equal(await errorName(glue.send(new GetPartitionsCommand({
    DatabaseName: db, TableName: "parts", Expression: "day = = 1",
  }))), "InvalidInputException");
  assert.equal(await errorName(glue.send(new ListMLTransformsCommand({}))),
               "UnknownOperationException");
});

test("a wrong secret is InvalidSignatureException", async () => {
  const bad = new GlueClient({
    endpoint, region: "us-east-1", maxAttempts: 1,
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: "wrong-secret" },
  });
  assert.equal(await errorName(bad.send(new GetDatabaseCommand({ Name: db }))),
               "InvalidSignatureException");
});
