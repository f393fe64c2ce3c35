// msgpackr requires this inside try/catch and decodes in plain JavaScript when it throws.
throw new Error('msgpackr-extract is stubbed out (see package.json); msgpackr uses its JavaScript decoder');
