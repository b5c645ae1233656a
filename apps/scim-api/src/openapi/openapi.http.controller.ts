import { Controller, Get, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, type OpenAPIObject } from '@nestjs/swagger';
import { OPENAPI_PATH } from './openapi-document';

/** The listener's OpenAPI document, built once the app has registered its routes (create-app.ts). */
@Injectable()
export class OpenApiDocument {
  private document?: OpenAPIObject;

  publish(document: OpenAPIObject): void {
    this.document = document;
  }

  get current(): OpenAPIObject {
    // Routes are served only after app.init(), which publishes the document first: this is a wiring fault, not a client's.
    if (!this.document) throw new ServiceUnavailableException('The OpenAPI document is not built yet');
    return this.document;
  }
}

/** Serves the document of this listener's routes (SCIM, admin or both), beside /health. */
@Controller()
export class OpenApiController {
  constructor(private readonly document: OpenApiDocument) {}

  @Get(OPENAPI_PATH)
  @ApiOperation({ summary: "This listener's OpenAPI 3.1 document", tags: ['service'] })
  @ApiOkResponse({ description: 'The OpenAPI document', content: { 'application/json': { schema: { type: 'object' } } } })
  serve(): OpenAPIObject {
    return this.document.current;
  }
}
