-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "disagreements" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "guestFailures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "infraFailures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "kernelId" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'engine',
ADD COLUMN     "skipReasons" TEXT;

-- CreateTable
CREATE TABLE "KernelArtifact" (
    "id" TEXT NOT NULL,
    "arch" TEXT NOT NULL,
    "linux" TEXT NOT NULL,
    "strategy" TEXT,
    "bytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KernelArtifact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProbeResult" (
    "runId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "observed" TEXT,
    "predicted" TEXT,
    "agree" BOOLEAN,
    "differences" TEXT,
    "failure" TEXT,
    "failureReason" TEXT,
    "attempts" INTEGER NOT NULL,
    "seconds" DOUBLE PRECISION NOT NULL,
    "console" BYTEA NOT NULL,

    CONSTRAINT "ProbeResult_pkey" PRIMARY KEY ("runId","position")
);

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_kernelId_fkey" FOREIGN KEY ("kernelId") REFERENCES "KernelArtifact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProbeResult" ADD CONSTRAINT "ProbeResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
