-- AlterTable
ALTER TABLE "ProfileSet" ADD COLUMN "whatIf" TEXT;

-- CreateTable
CREATE TABLE "UserPatch" (
    "kind" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("kind", "id")
);
