-- Results as one compact blob per shard (src/db/result-blob.ts). A store's existing Result rows are
-- converted into blobs when it opens (src/db/convert-results.ts): SQL alone cannot build them.
-- CreateTable
CREATE TABLE "ResultBlob" (
    "runId" INTEGER NOT NULL,
    "from" INTEGER NOT NULL,
    "to" INTEGER NOT NULL,
    "data" BLOB NOT NULL,

    PRIMARY KEY ("runId", "from"),
    CONSTRAINT "ResultBlob_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
