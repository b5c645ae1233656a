import { Controller, Get, Header, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, type OpenAPIObject } from '@nestjs/swagger';
import { OPENAPI_PATH } from './openapi-document';

/** The listener's OpenAPI document, built once the app has registered its routes (create-app.ts). */
@Injectable()
export class OpenApiDocument {
  private json?: string;

  /** Serialised once: the route is unauthenticated, so a request costs no more than sending the bytes. */
  publish(document: OpenAPIObject): void {
    this.json = JSON.stringify(document);
  }

  get serialised(): string {
    // Routes are served only after app.init(), which publishes the document first: this is a wiring fault, not a client's.
    if (this.json === undefined) throw new ServiceUnavailableException('The OpenAPI document is not built yet');
    return this.json;
  }
}

/** Serves the document of this listener's routes (SCIM, admin or both), beside /health. */
@Controller()
export class OpenApiController {
  constructor(private readonly document: OpenApiDocument) {}

  @Get(OPENAPI_PATH)
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: "This listener's OpenAPI 3.1 document" })
  @ApiOkResponse({ description: 'The OpenAPI document', content: { 'application/json': { schema: { type: 'object', required: ['openapi', 'paths'] } } } })
  serve(): string {
    return this.document.serialised;
  }
}
