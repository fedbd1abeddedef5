-- CreateTable
CREATE TABLE "Delivery" (
    "id" SERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "repository" TEXT,
    "ref" TEXT,
    "commit" TEXT,
    "runId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_runId_key" ON "Delivery"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_source_deliveryId_key" ON "Delivery"("source", "deliveryId");

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
