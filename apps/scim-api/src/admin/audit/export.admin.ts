import type { AdminFeature } from '../admin-feature';
import { EventLogExportController } from './export.http.controller';
import { EventLogExport } from './export-source';

/** The hash-chained export of the log (issue 10, item 6). */
export const EVENT_LOG_EXPORT_ADMIN: AdminFeature = {
  controllers: [EventLogExportController],
  providers: () => [EventLogExport],
};
