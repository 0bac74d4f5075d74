import { exampleStackSuite } from "./helpers/exampleStackSuite";

exampleStackSuite("prod");
