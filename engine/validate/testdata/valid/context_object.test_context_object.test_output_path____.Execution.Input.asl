{
 "Comment": "CONTEXT_OBJECT_OUTPUT_PATH",
 "StartAt": "TestState",
 "States": {
  "TestState": {
   "Type": "Pass",
   "OutputPath": "$$.Execution.Input",
   "End": true
  }
 }
}