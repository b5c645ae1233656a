import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { describeSharedShapes } from './shared-shapes';

/** Where each listener serves the document of the routes it registers. */
export const OPENAPI_PATH = '/openapi.json';

/**
 * The OpenAPI 3.1 document of the routes `app` registers, read from its controllers' metadata at
 * start-up (so it lists exactly what this listener serves), completed with the shapes every SCIM or
 * admin route shares (errors, content types, security).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('TraffiTech SCIM ingress')
    .setDescription(
      'SCIM 2.0 (RFC 7643/7644) for Microsoft Entra ID under /scim/v2/enterprise-idps/{providerId}, with a per-IdP bearer token; the administrator API under /admin/v1, with an admin token; health and metrics.',
    )
    .setVersion('1')
    .build();
  return describeSharedShapes(SwaggerModule.createDocument(app, config, { autoTagControllers: false }));
}
