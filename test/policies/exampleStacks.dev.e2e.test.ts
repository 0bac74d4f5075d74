import { exampleStackSuite } from "./helpers/exampleStackSuite";

exampleStackSuite("dev");
