// app/broker/protocol.ts — reached only through the preload API's TYPE-ONLY imports — names
// `NodeJS.Platform` in EndpointInput. The window compiles without Node types (so `process` or `Buffer`
// here is a compile error); this declares just that one type name. Delete it once protocol.ts stops
// naming NodeJS (requested from the lead).
declare namespace NodeJS {
  type Platform = string;
}
