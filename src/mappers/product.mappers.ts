// Each mapper names the backend DTO a schema type is resolved from (see codegen.ts); the
// Server Preset then asks for a resolver for every schema field the DTO does not carry.
import type { ProductDto, ProductPageDto } from '../backends/catalog/client.js';
import type { StockDto } from '../backends/inventory/client.js';

export type ProductMapper = ProductDto;
export type ProductConnectionMapper = ProductPageDto;
export type StockMapper = StockDto;
