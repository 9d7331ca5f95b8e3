{
 "Comment": "ARRAY_0",
 "StartAt": "State_0",
 "States": {
  "State_0": {
   "Type": "Pass",
   "Parameters": {
    "FunctionResult.$": "States.Array()"
   },
   "End": true
  }
 }
}