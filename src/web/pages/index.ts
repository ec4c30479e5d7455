import type { AsyncAnswerer } from '../delivery/handlers';
import type { Metrics } from '../metrics';
import type { RouteName } from '../routes';
import { archiveIndex, archiveMonth, archiveYear } from './archive';
import { articleView } from './article';
import { clipImage, clipView } from './clip';
import { paperFeed } from './feed';
import { healthCheck, metricsText } from './health';
import { iiifInfo, iiifTile } from './iiif';
import { issuePdf, issueView } from './issue';
import { mediaFile, openSeadragonFile, staticFile } from './media';
import { newsstand } from './newsstand';
import { pageView } from './page';
import { iiifManifest } from './manifest';
import { latestIssueRedirect } from './paper';
import { openSearch, robotsTxt } from './robots';
import { searchPage } from './search';
import { monthSitemap, newsSitemap, sitemapIndex } from './sitemaps';

export { errorPage } from './error';

/**
 * The page module that answers each route of the table (src/web/routes.ts);
 * the type makes every route have one. A `.json` route is answered by the
 * same module as its HTML route: delivery writes the answer's data.
 */
export function pageAnswerers(metrics: Pick<Metrics, 'text'>): Record<RouteName, AsyncAnswerer> {
  return {
    health: healthCheck(),
    metrics: metricsText(metrics.text),
    openseadragon: openSeadragonFile,
    static: staticFile,
    media: mediaFile,
    iiifInfo,
    iiifTile,
    newsstand,
    searchJson: searchPage,
    search: searchPage,
    robots: robotsTxt,
    opensearch: openSearch,
    sitemapIndex,
    newsSitemap,
    monthSitemap,
    paper: latestIssueRedirect,
    archiveJson: archiveIndex,
    archiveYearJson: archiveYear,
    archiveMonthJson: archiveMonth,
    archive: archiveIndex,
    archiveYear,
    archiveMonth,
    feed: paperFeed,
    issuePdf,
    issueJson: issueView,
    iiifManifest,
    pageJson: pageView,
    articleJson: articleView,
    issue: issueView,
    page: pageView,
    article: articleView,
    clipImage,
    clip: clipView,
  };
}
