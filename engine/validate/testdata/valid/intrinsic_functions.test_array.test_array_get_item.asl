{
 "Comment": "ARRAY_GET_ITEM",
 "StartAt": "State_0",
 "States": {
  "State_0": {
   "Type": "Pass",
   "Parameters": {
    "FunctionResult.$": "States.ArrayGetItem($.FunctionInput.fst, $.FunctionInput.snd)"
   },
   "End": true
  }
 }
}