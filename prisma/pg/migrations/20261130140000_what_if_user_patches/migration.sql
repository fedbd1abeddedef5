-- AlterTable
ALTER TABLE "ProfileSet" ADD COLUMN "whatIf" TEXT;

-- CreateTable
CREATE TABLE "UserPatch" (
    "kind" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserPatch_pkey" PRIMARY KEY ("kind","id")
);
